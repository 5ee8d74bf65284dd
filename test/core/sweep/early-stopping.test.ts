import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ashaRungStep,
  checkAshaRule,
  checkMedianRule,
  type MetricPoint,
  recordAshaRungs,
} from '../../../src/core/sweep/early-stopping.ts';

/** A series from values at steps 1, 2, 3 … */
const curve = (...values: number[]): MetricPoint[] => values.map((value, i) => ({ step: i + 1, value }));

describe('median rule', () => {
  const others = [curve(0.5, 0.7, 0.8), curve(0.4, 0.65, 0.72), curve(0.45, 0.6, 0.7), curve(0.5, 0.7, 0.9)];

  it('stops a trial whose best value so far is below the median of the others at its step', () => {
    const decision = checkMedianRule(curve(0.3, 0.55, 0.61), others, 'max', 'acc', 'epoch');
    assert.deepEqual(decision, {
      reason: 'stopped early: acc 0.61 at epoch 3 is below the median 0.76 of 4 trials',
      value: 0.61,
      step: 3,
      threshold: 0.76,
    });
  });

  it('judges by the best value so far, not the latest', () => {
    assert.equal(checkMedianRule(curve(0.3, 0.9, 0.5), others, 'max', 'acc'), undefined);
  });

  it('says "above" when lower is better', () => {
    const losses = [curve(1, 0.5), curve(1, 0.6), curve(1, 0.4)];
    const decision = checkMedianRule(curve(1, 0.9), losses, 'min', 'loss');
    assert.equal(decision?.reason, 'stopped early: loss 0.9 at step 2 is above the median 0.5 of 3 trials');
  });

  it('waits until three other trials reached the step', () => {
    const two = [curve(0.9, 0.9, 0.9), curve(0.9, 0.9, 0.9), curve(0.9, 0.9)];
    assert.equal(checkMedianRule(curve(0.1, 0.1, 0.1), two, 'max', 'acc'), undefined);
    assert.ok(checkMedianRule(curve(0.1, 0.1), two, 'max', 'acc'));
  });

  it('reads another trial at a step it skipped from its last value before it', () => {
    const sparse = [
      [
        { step: 1, value: 0.8 },
        { step: 4, value: 0.9 },
      ],
      [
        { step: 2, value: 0.8 },
        { step: 3, value: 0.85 },
      ],
      curve(0.7, 0.8, 0.8),
    ];
    const decision = checkMedianRule(curve(0.1, 0.2, 0.3), sparse, 'max', 'acc');
    assert.equal(decision?.threshold, 0.8);
  });

  it('does not stop a trial at the median or better, nor one with no readings', () => {
    assert.equal(checkMedianRule(curve(0.5, 0.7, 0.76), others, 'max', 'acc'), undefined);
    assert.equal(checkMedianRule([], others, 'max', 'acc'), undefined);
  });

  it('names the metric as the user typed it (plain text; the views escape it)', () => {
    const losses = [curve(1), curve(1), curve(1)];
    assert.match(
      checkMedianRule(curve(2), losses, 'min', 'val/loss')?.reason ?? '',
      /^stopped early: val\/loss 2 /,
    );
  });
});

describe('ASHA', () => {
  it('has rungs at 1, 3, 9, 27 steps', () => {
    assert.deepEqual([0, 1, 2, 3].map(ashaRungStep), [1, 3, 9, 27]);
  });

  it('promotes the first trial at a rung and, until four have reported, only a new best', () => {
    const first = checkAshaRule(curve(0.5), [], [], 'max', 'acc');
    assert.deepEqual(first, { rungValues: [0.5] });
    const worse = checkAshaRule(curve(0.4), [], [[0.5]], 'max', 'acc', 'epoch');
    assert.deepEqual(worse.rungValues, [0.4]);
    assert.equal(
      worse.stop?.reason,
      'stopped early: acc 0.4 at epoch 1 is below the best 0.5 of the 2 trials that reached epoch 1 (asha)',
    );
    assert.equal(checkAshaRule(curve(0.6), [], [[0.5]], 'max', 'acc').stop, undefined);
  });

  it('keeps the top third once enough trials reported at a rung', () => {
    const others = [[0.9], [0.8], [0.7], [0.6], [0.5]];
    // Six values: the top third are the best two (0.9, 0.8); 0.75 is not among them.
    const cut = checkAshaRule(curve(0.75), [], others, 'max', 'acc');
    assert.equal(
      cut.stop?.reason,
      'stopped early: acc 0.75 at step 1 is below 0.8, the cut for the top third, of the 6 trials that reached step 1 (asha)',
    );
    assert.equal(checkAshaRule(curve(0.85), [], others, 'max', 'acc').stop, undefined);
    // Lower is better: the two lowest go on.
    assert.equal(checkAshaRule(curve(0.55), [], others, 'min', 'loss').stop, undefined);
    assert.match(checkAshaRule(curve(0.65), [], others, 'min', 'loss').stop?.reason ?? '', /is above 0.6,/);
  });

  it('keeps a trial that starts slow but is second of four at a rung (the top third rounds up)', () => {
    // The best trial of a small sweep, still catching up at epoch 3: one trial is ahead of it
    // there, two behind. Rounding the third down (Optuna's rule) let only the leader through.
    const slowStarter = [
      { step: 1, value: 0.3 },
      { step: 3, value: 0.5 },
    ];
    const others = [
      [0.4, 0.6],
      [0.3, 0.45],
      [0.2, 0.4],
    ];
    assert.deepEqual(checkAshaRule(slowStarter, [0.3], others, 'max', 'acc', 'epoch'), {
      rungValues: [0.3, 0.5],
    });
    // Third of four is still stopped, with the cut it missed.
    const third = checkAshaRule(
      [
        { step: 1, value: 0.3 },
        { step: 3, value: 0.42 },
      ],
      [0.3],
      [
        [0.4, 0.6],
        [0.3, 0.5],
        [0.2, 0.4],
      ],
      'max',
      'acc',
      'epoch',
    );
    assert.equal(
      third.stop?.reason,
      'stopped early: acc 0.42 at epoch 3 is below 0.5, the cut for the top third, of the 4 trials that reached epoch 3 (asha)',
    );
  });

  it('checks every rung a trial passed since it was last looked at, and records each', () => {
    const series = curve(0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9);
    const result = checkAshaRule(series, [], [[0.1, 0.1, 0.1]], 'max', 'acc');
    assert.deepEqual(result, { rungValues: [0.9, 0.9, 0.9] });
    const again = checkAshaRule(series, result.rungValues, [[0.1, 0.1, 0.1]], 'max', 'acc');
    assert.deepEqual(again, { rungValues: [0.9, 0.9, 0.9] }, 'nothing new to record or judge');
  });

  it('records a rung from the first reading at or after its step, however late it looks', () => {
    const late = [
      { step: 2, value: 0.3 },
      { step: 5, value: 0.8 },
    ];
    assert.deepEqual(recordAshaRungs(late, []), [0.3, 0.8]);
    assert.deepEqual(recordAshaRungs(late, [0.3]), [0.3, 0.8]);
    assert.deepEqual(recordAshaRungs([], []), []);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { observeRun } from '../../../src/core/sweep/observe-run.ts';
import { makeRun } from '../../support/make-run.ts';

describe('observeRun', () => {
  it('reads the metric per step from the history, the latest value, and the progress', () => {
    const run = makeRun({
      id: 'r-0000000001',
      number: 58,
      state: 'running',
      progress: { current: 3, total: 10, unit: 'epoch' },
      metrics: { acc: 0.7, loss: 0.4 },
      history: [
        { at: 1, values: { loss: 0.9 } },
        { at: 2, values: { acc: 0.5, loss: 0.8 }, step: 1 },
        { at: 3, values: { loss: 0.6 }, step: 2 },
        { at: 4, values: { acc: 0.7 }, step: 3 },
      ],
    });
    assert.deepEqual(observeRun(run, 'acc'), {
      id: 'r-0000000001',
      number: 58,
      state: 'running',
      series: [
        { step: 1, value: 0.5 },
        { step: 3, value: 0.7 },
      ],
      unit: 'epoch',
      value: 0.7,
      step: 3,
      total: 10,
    });
  });

  it('keeps the reason of an ended run, and calls steps steps when the run does not count epochs', () => {
    const run = makeRun({
      state: 'failed',
      reason: 'exit code 1',
      progress: { current: 5, total: 100, unit: 'step' },
    });
    const observed = observeRun(run, 'acc');
    assert.equal(observed.reason, 'exit code 1');
    assert.equal(observed.unit, 'step');
    assert.equal(observed.value, undefined);
    assert.equal(observed.step, 5);
    assert.deepEqual(observed.series, []);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isEnded, type RunState } from '../../../src/core/run/run.ts';
import { decideSweep, type SweepDecision } from '../../../src/core/sweep/decide-sweep.ts';
import type { TrialRun } from '../../../src/core/sweep/observe-run.ts';
import {
  createSweep,
  requestSweepStop,
  type Sweep,
  type SweepDefinition,
} from '../../../src/core/sweep/sweep.ts';

const NOW = new Date('2026-11-28T10:00:00Z');

function definition(overrides: Partial<SweepDefinition> = {}): SweepDefinition {
  return {
    spaces: [
      { param: 'lr', space: { kind: 'list', values: [0.01, 0.1, 1] } },
      { param: 'epochs', space: { kind: 'list', values: [2, 4] } },
    ],
    fixed: { seed: 1 },
    algo: 'grid',
    trials: 6,
    parallel: 2,
    metric: 'acc',
    goal: 'max',
    earlyStop: 'none',
    seed: 7,
    launchOptions: {},
    ...overrides,
  };
}

function newSweep(def: SweepDefinition = definition()): Sweep {
  return createSweep({
    id: 's-0123456789',
    number: 57,
    template: 'demo',
    definition: def,
    launchedBy: 'U1',
    channel: 'C1',
    createdAt: NOW.toISOString(),
  });
}

/** A fake store of trial runs: what the service would build the `runs` map from. */
class Runs {
  readonly byIndex = new Map<number, TrialRun>();
  private nextNumber = 100;

  launch(index: number): TrialRun {
    assert.equal(this.byIndex.has(index), false, `trial ${index} launched twice`);
    const run: TrialRun = {
      id: `r-trial${index}`,
      number: this.nextNumber++,
      state: 'running',
      series: [],
      unit: 'epoch',
    };
    this.byIndex.set(index, run);
    return run;
  }

  end(index: number, state: RunState, value?: number, reason?: string): void {
    const run = this.byIndex.get(index);
    assert.ok(run);
    run.state = state;
    if (value !== undefined) run.value = value;
    if (reason !== undefined) run.reason = reason;
  }

  report(index: number, step: number, value: number): void {
    const run = this.byIndex.get(index);
    assert.ok(run);
    run.series = [...run.series, { step, value }];
    run.value = value;
    run.step = step;
  }
}

/** Stores the decision and does what it says, as the service would. */
function apply(decision: SweepDecision, runs: Runs): Sweep {
  for (const t of decision.launch) runs.launch(t.index);
  for (const s of decision.stop) runs.end(s.index, 'stopped', undefined, s.reason);
  return decision.sweep;
}

describe('decideSweep', () => {
  it('starts --parallel trials, then one more as each ends, and finishes with the best trial', () => {
    const runs = new Runs();
    let d = decideSweep(newSweep(), runs.byIndex, NOW);
    assert.deepEqual(
      d.launch.map((t) => [t.index, t.params]),
      [
        [1, { seed: 1, lr: 0.01, epochs: 2 }],
        [2, { seed: 1, lr: 0.01, epochs: 4 }],
      ],
    );
    assert.equal(d.sweep.state, 'queued');
    let sweep = apply(d, runs);

    d = decideSweep(sweep, runs.byIndex, NOW);
    assert.deepEqual(d.launch, [], 'both slots are taken');
    assert.equal(d.sweep.state, 'running');
    assert.equal(d.sweep.trials[0].runNumber, 100);
    sweep = apply(d, runs);

    runs.end(1, 'succeeded', 0.8);
    d = decideSweep(sweep, runs.byIndex, NOW);
    assert.deepEqual(
      d.launch.map((t) => t.index),
      [3],
    );
    assert.equal(d.best?.index, 1);
    sweep = apply(d, runs);

    for (const [index, value] of [
      [2, 0.9],
      [3, 0.7],
    ] as const) {
      runs.end(index, 'succeeded', value);
      sweep = apply(decideSweep(sweep, runs.byIndex, NOW), runs);
    }
    for (const index of [4, 5, 6]) {
      runs.end(index, 'succeeded', index / 10);
      sweep = apply(decideSweep(sweep, runs.byIndex, NOW), runs);
    }
    d = decideSweep(sweep, runs.byIndex, NOW);
    assert.equal(d.finished, true);
    assert.equal(d.notice, true);
    assert.equal(d.sweep.state, 'succeeded');
    assert.equal(d.sweep.endedAt, NOW.toISOString());
    assert.deepEqual(
      d.top.map((t) => [t.index, t.value]),
      [
        [2, 0.9],
        [1, 0.8],
        [3, 0.7],
        [6, 0.6],
        [5, 0.5],
      ],
    );
    assert.equal(decideSweep({ ...d.sweep, noticeSent: true }, runs.byIndex, NOW).notice, false);
    assert.equal(decideSweep(d.sweep, runs.byIndex, NOW).changed, false, 'an ended sweep stays as it is');
  });

  it('ends failed with the first failure when its first three trials fail, and stops the rest', () => {
    const runs = new Runs();
    let sweep = apply(decideSweep(newSweep(definition({ parallel: 4 })), runs.byIndex, NOW), runs);
    runs.end(1, 'failed', undefined, 'exit code 1: CUDA out of memory');
    runs.end(2, 'failed', undefined, 'exit code 1');
    runs.end(3, 'failed', undefined, 'exit code 2');
    const d = decideSweep(sweep, runs.byIndex, NOW);
    assert.deepEqual(d.launch, []);
    assert.deepEqual(d.stop, [
      { index: 4, runId: 'r-trial4', reason: 'sweep #57 failed: its first 3 trials failed' },
    ]);
    assert.equal(d.finished, false, 'trial 4 is still stopping');
    sweep = apply(d, runs);
    const end = decideSweep(sweep, runs.byIndex, NOW);
    assert.equal(end.finished, true);
    assert.equal(end.sweep.state, 'failed');
    assert.equal(
      end.sweep.reason,
      'its first 3 trials failed, so no more were started (trial 1: exit code 1: CUDA out of memory)',
    );
    assert.equal(end.sweep.trials.length, 4, 'no budget burnt');
  });

  it('ends failed with a reason when no trial succeeded', () => {
    const runs = new Runs();
    let sweep = apply(decideSweep(newSweep(definition({ trials: 2 })), runs.byIndex, NOW), runs);
    runs.end(1, 'failed', undefined, 'exit code 3');
    runs.end(2, 'lost');
    sweep = apply(decideSweep(sweep, runs.byIndex, NOW), runs);
    assert.equal(sweep.state, 'failed');
    assert.equal(sweep.reason, 'no trial succeeded (trial 1: exit code 3)');
  });

  it('stop: stops every running trial, starts none, and ends stopped', () => {
    const runs = new Runs();
    let sweep = apply(decideSweep(newSweep(), runs.byIndex, NOW), runs);
    runs.end(1, 'succeeded', 0.5);
    sweep = requestSweepStop(sweep, 'U2', NOW);
    const d = decideSweep(sweep, runs.byIndex, NOW);
    assert.deepEqual(d.launch, []);
    assert.deepEqual(d.stop, [
      { index: 2, runId: 'r-trial2', reason: 'sweep #57 was stopped', stoppedBy: 'U2' },
    ]);
    sweep = apply(d, runs);
    const end = decideSweep(sweep, runs.byIndex, NOW);
    assert.equal(end.sweep.state, 'stopped');
    assert.equal(end.sweep.reason, undefined, 'the views say who stopped it, from stopRequest');
    assert.equal(end.sweep.stopRequest?.by, 'U2');
    assert.equal(end.best?.index, 1);
    assert.equal(requestSweepStop(end.sweep, 'U3', NOW), end.sweep, 'an ended sweep cannot be stopped again');
  });

  it('stop: a trial stored but never launched ends without a run', () => {
    const runs = new Runs();
    const stored = decideSweep(newSweep(), runs.byIndex, NOW).sweep; // stored, then the process died
    const d = decideSweep(requestSweepStop(stored, 'U2', NOW), runs.byIndex, NOW);
    assert.deepEqual(d.launch, []);
    assert.deepEqual(
      d.sweep.trials.map((t) => [t.state, t.reason]),
      [
        ['stopped', 'never started: sweep #57 was stopped'],
        ['stopped', 'never started: sweep #57 was stopped'],
      ],
    );
    assert.equal(d.finished, true);
    assert.equal(d.sweep.state, 'stopped');
  });

  it('after a restart: launches stored trials that have no run, adopts runs whose id was not stored', () => {
    const runs = new Runs();
    const stored = decideSweep(newSweep(), runs.byIndex, NOW).sweep;
    // The process died after creating trial 1's run but before storing its id.
    runs.launch(1);
    const d = decideSweep(stored, runs.byIndex, NOW);
    assert.deepEqual(
      d.launch.map((t) => t.index),
      [2],
    );
    assert.equal(d.sweep.trials[0].runId, 'r-trial1');
  });

  it('stops trials early by the median rule, says why, and counts them as finished', () => {
    const runs = new Runs();
    let sweep = apply(
      decideSweep(newSweep(definition({ parallel: 6, earlyStop: 'median' })), runs.byIndex, NOW),
      runs,
    );
    // Trial 6 runs ahead of the others: running trials are not compared with, only completed ones.
    runs.report(6, 1, 0.9);
    runs.report(5, 1, 0.3);
    const early = decideSweep(sweep, runs.byIndex, NOW);
    assert.deepEqual(early.stop, [], 'fewer than three completed trials reached epoch 1');
    for (const index of [1, 2, 3]) {
      runs.report(index, 1, 0.8);
      runs.end(index, 'succeeded', 0.8);
    }
    const d = decideSweep(sweep, runs.byIndex, NOW);
    assert.deepEqual(d.stop, [
      {
        index: 5,
        runId: 'r-trial5',
        reason: 'stopped early: acc 0.3 at epoch 1 is below the median 0.8 of 3 trials',
      },
    ]);
    assert.equal(d.sweep.trials[4].stoppedEarly, true);
    sweep = apply(d, runs);
    const after = decideSweep(sweep, runs.byIndex, NOW);
    assert.deepEqual(after.stop, [], 'decided once');
    assert.deepEqual(after.stillStopping, []);
    assert.equal(after.sweep.trials[4].state, 'stopped');
    assert.equal(after.sweep.trials[4].reason, d.stop[0].reason);
  });

  it('repeats an earlier stop that a restart may have lost, as stillStopping', () => {
    const runs = new Runs();
    const sweep = apply(
      decideSweep(newSweep(definition({ parallel: 6, earlyStop: 'median' })), runs.byIndex, NOW),
      runs,
    );
    for (const index of [1, 2, 3]) {
      runs.report(index, 1, 0.8);
      runs.end(index, 'succeeded', 0.8);
    }
    runs.report(5, 1, 0.3);
    const decided = decideSweep(sweep, runs.byIndex, NOW).sweep; // stored, but the stop was never sent
    const again = decideSweep(decided, runs.byIndex, NOW);
    assert.deepEqual(again.stop, []);
    assert.deepEqual(
      again.stillStopping.map((s) => s.index),
      [5],
    );
  });

  it('never stops a trial at its last step, where it is done but for exiting', () => {
    const runs = new Runs();
    const sweep = apply(
      decideSweep(newSweep(definition({ parallel: 6, earlyStop: 'median' })), runs.byIndex, NOW),
      runs,
    );
    for (const index of [1, 2, 3]) {
      runs.report(index, 1, 0.8);
      runs.end(index, 'succeeded', 0.8);
    }
    runs.report(5, 1, 0.3);
    (runs.byIndex.get(5) as TrialRun).total = 1;
    assert.deepEqual(decideSweep(sweep, runs.byIndex, NOW).stop, []);
  });

  it('ASHA records rung values on the trials and stops the worse ones', () => {
    const runs = new Runs();
    const sweep = apply(
      decideSweep(newSweep(definition({ parallel: 3, earlyStop: 'asha' })), runs.byIndex, NOW),
      runs,
    );
    runs.report(1, 1, 0.5);
    runs.report(2, 1, 0.6);
    runs.report(3, 1, 0.4);
    const d = decideSweep(sweep, runs.byIndex, NOW);
    // Trial 1 reports first: alone, it goes on; trial 2 is the new best; trial 3 is not.
    assert.deepEqual(
      d.sweep.trials.map((t) => t.rungValues),
      [[0.5], [0.6], [0.4]],
    );
    assert.deepEqual(
      d.stop.map((s) => s.index),
      [3],
    );
    assert.match(
      d.stop[0].reason,
      /^stopped early: acc 0.4 at epoch 1 is below the best 0.6 of the 3 trials/,
    );
  });

  it('TPE trials learn from finished ones, and stay reproducible', () => {
    const def = definition({
      algo: 'tpe',
      trials: 40,
      parallel: 1,
      spaces: [{ param: 'lr', space: { kind: 'loguniform', lo: 1e-4, hi: 1 } }],
    });
    const run = () => {
      const runs = new Runs();
      let sweep = newSweep(def);
      for (let i = 1; i <= 40; i++) {
        const d = decideSweep(sweep, runs.byIndex, NOW);
        sweep = apply(d, runs);
        const lr = sweep.trials[i - 1].params.lr as number;
        runs.end(i, 'succeeded', -Math.abs(Math.log10(lr) + 2));
      }
      return decideSweep(sweep, runs.byIndex, NOW);
    };
    const first = run();
    assert.deepEqual(run().sweep, first.sweep, 'same seed, same trials');
    assert.ok((first.best?.value ?? -1) > -0.05, `best ${first.best?.value}`);
  });

  it('property: however it is interrupted, no trial runs twice, no grid point is skipped, --parallel holds', () => {
    const outcomes = fc.array(fc.constantFrom<RunState>('succeeded', 'failed', 'stopped'), {
      minLength: 30,
      maxLength: 30,
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 5 }),
        outcomes,
        fc.array(fc.boolean(), { minLength: 200, maxLength: 200 }),
        (trials, parallel, ends, crashes) => {
          const def = definition({
            trials,
            parallel,
            spaces: [
              { param: 'a', space: { kind: 'list', values: [1, 2, 3, 4] } },
              { param: 'b', space: { kind: 'range', start: 0, stop: 2, step: 1, count: 3, decimals: 0 } },
            ],
          });
          const runs = new Runs();
          let sweep = newSweep(def);
          for (let step = 0; step < 200; step++) {
            const d = decideSweep(sweep, runs.byIndex, NOW);
            sweep = d.sweep;
            const active = sweep.trials.filter((t) => !isEnded(t.state)).length;
            assert.ok(active <= def.parallel, `${active} trials active with --parallel ${def.parallel}`);
            if (d.finished) break;
            // A crash after storing: the launches of this round never happen (the next call redoes them).
            if (!crashes[step]) apply(d, runs);
            // The oldest running trial ends.
            const running = [...runs.byIndex.entries()].find(([, r]) => !isEnded(r.state));
            if (running) {
              const [index] = running;
              runs.end(index, ends[(index - 1) % ends.length], index, 'reason');
            }
          }
          assert.ok(sweep.endedAt, 'the sweep ended');
          const indexes = sweep.trials.map((t) => t.index);
          assert.deepEqual(
            indexes,
            Array.from({ length: indexes.length }, (_, i) => i + 1),
          );
          const points = sweep.trials
            .filter((t) => runs.byIndex.has(t.index))
            .map((t) => `${t.params.a},${t.params.b}`);
          assert.equal(new Set(points).size, points.length, 'a grid point ran twice');
          if (
            sweep.state === 'succeeded' ||
            (sweep.state === 'failed' && !sweep.reason?.startsWith('its first'))
          ) {
            assert.equal(sweep.trials.length, trials, 'every planned trial was created');
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

import type { RunState } from '../../src/core/run/run.ts';
import type { Sweep, SweepDefinition, SweepTrial } from '../../src/core/sweep/sweep.ts';

/** A sweep over lr and opt with `trials` trials in a mix of states; override what a test is about. */
export function makeSweep(
  trials = 6,
  overrides: Partial<Sweep> = {},
  definition: Partial<SweepDefinition> = {},
): Sweep {
  const states: RunState[] = ['succeeded', 'succeeded', 'running', 'stopped', 'failed', 'queued'];
  const list: SweepTrial[] = Array.from({ length: trials }, (_, i) => {
    const state = states[i % states.length];
    const trial: SweepTrial = {
      index: i + 1,
      params: { epochs: 5, lr: Number((0.01 * (i + 1)).toFixed(2)), opt: i % 2 ? 'adam' : 'sgd' },
      state,
    };
    if (state !== 'queued') {
      trial.runId = `r-trial${String(i + 1).padStart(5, '0')}`;
      trial.runNumber = 100 + i;
    }
    if (state === 'succeeded' || state === 'running' || state === 'stopped')
      trial.value = 0.5 + ((i * 37) % 50) / 100;
    if (state === 'stopped') {
      trial.stoppedEarly = true;
      trial.reason = 'stopped early: acc 0.61 at epoch 3 is below the median 0.72 of 5 trials';
    }
    if (state === 'failed') trial.reason = 'The process exited with code 1.';
    return trial;
  });
  return {
    id: 's-abc123def4',
    number: 57,
    template: 'demo',
    definition: {
      spaces: [
        { param: 'lr', space: { kind: 'loguniform', lo: 0.001, hi: 1 } },
        { param: 'opt', space: { kind: 'list', values: ['sgd', 'adam'] } },
      ],
      fixed: { epochs: 5 },
      algo: 'tpe',
      trials: Math.max(trials, 8),
      parallel: 4,
      metric: 'acc',
      goal: 'max',
      earlyStop: 'median',
      seed: 7,
      launchOptions: {},
      ...definition,
    },
    launchedBy: 'U123',
    channel: 'C1',
    createdAt: '2026-11-28T10:00:00.000Z',
    state: 'running',
    trials: list,
    ...overrides,
  };
}

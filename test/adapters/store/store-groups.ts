import type { PipelineRun } from '../../../src/core/pipeline/pipeline-run.ts';
import type { StepState } from '../../../src/core/pipeline/step-state.ts';
import type { Sweep, SweepState } from '../../../src/core/sweep/sweep.ts';
import type { GroupRecords, Store } from '../../../src/ports/store.ts';

// Sweeps and pipelines for the store tests: each kind behind one interface, so a test of what
// the store does with group records runs for both.

/** Fields a test sets besides the kind's own: `note` is one the store does not know (it must keep it). */
export type Extra = Record<string, unknown> & { launchedBy?: string; note?: string };

export interface GroupCase<T> {
  name: 'sweeps' | 'pipelines';
  records(store: Store): GroupRecords<T>;
  id(n: number): string;
  /** Under way: not ended. */
  active(n: number, extra?: Extra): T;
  /** Ended, but its notice not sent yet. */
  ended(n: number, extra?: Extra): T;
  /** Ended and its notice sent: nothing more will happen to it, so it may move to history. */
  settled(n: number, extra?: Extra): T;
  /** Breaks the rule the store files it by (its state). */
  broken(n: number): T;
}

const at = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString();

export const sweepId = (n: number) => `s-${String(n).padStart(10, '0')}`;

/** A grid sweep over lr with `trials` trials (finished ones when the sweep has ended). */
export function storedSweep(n: number, state: SweepState, extra: Extra = {}, trials = 4): Sweep {
  const ended = state !== 'queued' && state !== 'running';
  const sweep: Sweep = {
    id: sweepId(n),
    number: n,
    template: 'demo',
    definition: {
      spaces: [{ param: 'lr', space: { kind: 'list', values: [0.1, 0.01, 0.001] } }],
      fixed: { epochs: 3 },
      algo: 'grid',
      trials,
      parallel: 2,
      metric: 'loss',
      goal: 'min',
      earlyStop: 'none',
      seed: n,
      launchOptions: {},
    },
    launchedBy: 'U1',
    channel: 'C1',
    createdAt: at(n),
    ...(ended ? { endedAt: at(n + 1) } : {}),
    state,
    trials: Array.from({ length: trials }, (_, i) => ({
      index: i + 1,
      params: { epochs: 3, lr: 0.1 / 10 ** (i % 3) },
      runId: `r-${n}-${i + 1}`,
      runNumber: n * 100 + i,
      state: ended || i > 1 ? 'succeeded' : 'running',
      value: 1 / (i + 2),
      step: 3,
    })),
  };
  return { ...sweep, ...extra } as Sweep;
}

export const sweeps: GroupCase<Sweep> = {
  name: 'sweeps',
  records: (store) => store.sweeps,
  id: sweepId,
  active: (n, extra) => storedSweep(n, 'running', extra),
  ended: (n, extra) => storedSweep(n, n % 5 === 0 ? 'failed' : 'succeeded', extra),
  settled: (n, extra) => storedSweep(n, n % 5 === 0 ? 'failed' : 'succeeded', { noticeSent: true, ...extra }),
  broken: (n) => ({ ...storedSweep(n, 'running'), state: 'paused' }) as unknown as Sweep,
};

export const pipelineId = (n: number) => `p-${String(n).padStart(10, '0')}`;

/** A prep → train (matrix of `width`) → eval pipeline; ended pipelines have every step done. */
export function storedPipeline(n: number, ended: boolean, extra: Extra = {}, width = 3): PipelineRun {
  const steps: Record<string, StepState> = {
    prep: { state: 'succeeded', runId: `r-${n}-prep`, outputs: { rows: '2000' } },
    eval: ended
      ? { state: 'succeeded', runId: `r-${n}-eval`, outputs: { best: '0.12' } }
      : { state: 'waiting' },
  };
  for (let i = 1; i <= width; i++) {
    steps[`train#${i}`] = ended
      ? { state: 'succeeded', runId: `r-${n}-t${i}`, outputs: { loss: `0.${i}` } }
      : { state: 'running', runId: `r-${n}-t${i}` };
  }
  const pipeline: PipelineRun = {
    id: pipelineId(n),
    number: n,
    pipeline: {
      name: 'demo-pipeline',
      file: '/srv/manifests/demo-pipeline.yaml',
      params: [],
      steps: [
        { name: 'prep', template: 'prep', params: { rows: '{{rows}}' }, needs: [] },
        {
          name: 'train',
          template: 'demo',
          params: { data: '{{steps.prep.outputs.rows}}' },
          needs: ['prep'],
          matrix: { lr: Array.from({ length: width }, (_, i) => 0.1 / (i + 1)) },
          objective: { metric: 'loss', goal: 'min' },
        },
        { name: 'eval', template: 'evaluate', params: {}, needs: ['train'] },
      ],
    },
    params: { rows: 2000 },
    launchedBy: 'U1',
    channel: 'C1',
    createdAt: at(n),
    steps,
    ...(ended
      ? {
          endedAt: at(n + 1),
          end:
            n % 5 === 0
              ? { state: 'failed', step: 'eval', key: 'eval', reason: 'exit 1' }
              : { state: 'succeeded' },
        }
      : {}),
  };
  return { ...pipeline, ...extra } as PipelineRun;
}

export const pipelines: GroupCase<PipelineRun> = {
  name: 'pipelines',
  records: (store) => store.pipelines,
  id: pipelineId,
  active: (n, extra) => storedPipeline(n, false, extra),
  ended: (n, extra) => storedPipeline(n, true, extra),
  settled: (n, extra) => storedPipeline(n, true, { noticeSent: true, ...extra }),
  broken: (n) => ({ ...storedPipeline(n, true), end: { state: 'over' } }) as unknown as PipelineRun,
};

export const groupCases = [sweeps, pipelines] as GroupCase<object & { number: number }>[];

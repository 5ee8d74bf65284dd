// Sweeps and pipelines as their services store them after real work, for bench/store-groups.bench.ts.
import type { PipelineRun } from '../src/core/pipeline/pipeline-run.ts';
import type { StepState } from '../src/core/pipeline/step-state.ts';
import type { Sweep, SweepTrial } from '../src/core/sweep/sweep.ts';
import { benchRunId } from './store-fixture.ts';

export const TRIALS = 50;
/** prep, train × 16 (a 4 × 4 matrix), eval, report, publish. */
export const STEPS = 20;

const at = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString();
const round = (x: number) => Number(x.toFixed(4));
const owner = (n: number) => `U024BE7L${n % 20}`;

function trial(sweep: number, i: number, ended: boolean): SweepTrial {
  const run = sweep + i;
  const done = ended || i < TRIALS / 2;
  return {
    index: i,
    params: {
      epochs: 30,
      lr: round(0.1 / 1.3 ** (i % 12)),
      batch_size: 2 ** (5 + (i % 4)),
      dropout: (i % 5) / 10,
    },
    runId: benchRunId(run),
    runNumber: run,
    state: done ? (i % 9 === 0 ? 'failed' : 'succeeded') : 'running',
    value: round(0.2 + ((run * 7919) % 1000) / 5000),
    step: done ? 30 : 12,
    rungValues: [round(0.9 - i / 200), round(0.6 - i / 300), round(0.4 - i / 400)],
    ...(i % 9 === 0 && done ? { reason: 'OOMKilled: the container ran out of memory' } : {}),
  };
}

/** A TPE sweep of 50 trials (numbered `n`, its trials' runs `n+1 … n+50`); ended with its notice sent. */
export function benchSweep(n: number, ended: boolean): Sweep {
  return {
    id: `s-${n.toString(36).padStart(10, '0')}`,
    number: n,
    template: 'resnet',
    definition: {
      spaces: [
        { param: 'lr', space: { kind: 'loguniform', lo: 0.0001, hi: 0.1 } },
        { param: 'batch_size', space: { kind: 'list', values: [32, 64, 128, 256] } },
        { param: 'dropout', space: { kind: 'range', start: 0, stop: 0.4, step: 0.1, count: 5, decimals: 1 } },
      ],
      fixed: { epochs: 30, gpus: 1, dataset: 'cifar10' },
      algo: 'tpe',
      trials: TRIALS,
      parallel: 8,
      metric: 'val_loss',
      goal: 'min',
      earlyStop: 'asha',
      seed: n,
      launchOptions: { gpu: '1' },
    },
    launchedBy: owner(n),
    channel: 'C0123456789',
    createdAt: at(n),
    ...(ended ? { endedAt: at(n + 600), noticeSent: true } : {}),
    state: ended ? 'succeeded' : 'running',
    card: { channel: 'C0123456789', ts: `1767225600.${String(n).padStart(6, '0')}` },
    trials: Array.from({ length: TRIALS }, (_, i) => trial(n, i + 1, ended)),
  };
}

/** A prep → train (4 × 4 matrix) → eval → report → publish pipeline: `steps` instances, its runs `n+1 …`. */
export function benchPipeline(n: number, ended: boolean, steps = STEPS): PipelineRun {
  const width = steps - 4;
  const keys = [
    'prep',
    ...Array.from({ length: width }, (_, i) => `train#${i + 1}`),
    'eval',
    'report',
    'publish',
  ];
  const states: Record<string, StepState> = {};
  keys.forEach((key, i) => {
    const runId = benchRunId(n + i + 1);
    states[key] =
      ended || i < keys.length / 2
        ? { state: 'succeeded', runId, outputs: { loss: String(round(0.3 - i / 100)), rows: '50000' } }
        : { state: 'running', runId };
  });
  const side = Math.ceil(Math.sqrt(width));
  return {
    id: `p-${n.toString(36).padStart(10, '0')}`,
    number: n,
    pipeline: {
      name: 'train-eval',
      file: '/srv/trainyard/manifests/train-eval.yaml',
      description: 'Prepare the data, train a grid of variants, evaluate the best and publish it.',
      params: [
        { name: 'dataset', type: 'string', default: 'cifar10', required: false },
        { name: 'epochs', type: 'int', default: 30, required: false, min: 1, max: 500 },
      ],
      steps: [
        { name: 'prep', template: 'prep', params: { dataset: '{{dataset}}' }, needs: [] },
        {
          name: 'train',
          template: 'resnet',
          params: { epochs: '{{epochs}}', data: '{{steps.prep.outputs.rows}}' },
          needs: ['prep'],
          matrix: {
            lr: Array.from({ length: side }, (_, i) => 0.1 / 10 ** i),
            batch_size: Array.from({ length: side }, (_, i) => 32 * 2 ** i),
          },
          parallel: 8,
          objective: { metric: 'loss', goal: 'min' },
        },
        {
          name: 'eval',
          template: 'evaluate',
          params: { model: '{{steps.train.best.outputs.model}}' },
          needs: ['train'],
        },
        {
          name: 'report',
          template: 'report',
          params: { all: '{{steps.train.all.outputs.loss}}' },
          needs: ['eval'],
        },
        { name: 'publish', template: 'publish', params: {}, needs: ['report'] },
      ],
    },
    params: { dataset: 'cifar10', epochs: 30 },
    launchedBy: owner(n),
    channel: 'C0123456789',
    createdAt: at(n),
    steps: states,
    ...(ended ? { endedAt: at(n + 300), end: { state: 'succeeded' }, noticeSent: true } : {}),
    card: { channel: 'C0123456789', ts: `1767225600.${String(n).padStart(6, '0')}` },
  };
}

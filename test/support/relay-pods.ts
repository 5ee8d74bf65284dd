import { join } from 'node:path';
import { ANNOTATIONS, LABELS } from '../../src/core/run/run-identity.ts';

/**
 * The `relay` pipeline for tests against the fake cluster (test/fixtures/pipeline-templates):
 * prep (template split) → train (template fit, lr × 3, two at a time) → eval (template score).
 */
export const RELAY_TEMPLATES = join(import.meta.dirname, '../fixtures/pipeline-templates');

/** train's matrix in order (train#1, #2, #3): each lr and the loss its run ends with; 0.1 is best. */
export const RELAY_TRAINS = [
  { lr: '0.01', loss: '0.5' },
  { lr: '0.1', loss: '0.3' },
  { lr: '1', loss: '0.4' },
];

// biome-ignore lint/suspicious/noExplicitAny: a Job as the fake API server stores it
type Job = Record<string, any>;

/** The step instance a Job runs: `prep`, `train#2`, `eval`. */
export function relayKey(job: Job): string {
  const step: string = job.metadata.labels[LABELS.step];
  const index: string | undefined = job.metadata.annotations?.[ANNOTATIONS.stepIndex];
  return index ? `${step}#${index}` : step;
}

/** What the step's container prints, read from its Job's params: its last lines are its outputs. */
export function relayLines(job: Job): string[] {
  const params = JSON.parse(job.metadata.annotations?.[ANNOTATIONS.params] ?? '{}');
  const step: string = job.metadata.labels[LABELS.step];
  if (step === 'prep') {
    const rows = Number(params.rows);
    const test = Math.round(rows / 5);
    return [
      ...Array.from({ length: 6 }, (_, i) => `shuffling block ${i + 1}/6`),
      `::output train_rows=${rows - test}`,
      `::output test_rows=${test}`,
    ];
  }
  if (step === 'train') {
    const loss = RELAY_TRAINS.find((t) => t.lr === String(params.lr))?.loss ?? '1';
    return [
      ...[1, 2, 3].map((e) => `epoch ${e}/4 loss=${(Number(loss) + (4 - e) / 10).toFixed(1)}`),
      `epoch 4/4 loss=${loss}`,
      `::output weights=${relayWeights(params.lr, params.rows)}`,
    ];
  }
  return [`evaluated on ${params.test_rows} rows`, '::output test_loss=0.25'];
}

/** The weights a train run with this lr on this many rows prints as its output. */
export const relayWeights = (lr: unknown, rows: unknown): string => `lr${lr}-rows${rows}`;

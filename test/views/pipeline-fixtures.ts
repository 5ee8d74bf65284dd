import type { PipelineRun } from '../../src/core/pipeline/pipeline-run.ts';
import type { Run } from '../../src/core/run/run.ts';
import { makeRun } from '../support/make-run.ts';

/**
 * A pipeline under way: prep succeeded (#58), train fans out over three learning rates (two
 * succeeded, one running), eval waits. Override what a test is about.
 */
export function pipelineRecord(overrides: Partial<PipelineRun> = {}): PipelineRun {
  return {
    id: 'p-0000000001',
    number: 57,
    pipeline: {
      name: 'demo-pipeline',
      file: '/m/demo-pipeline.yaml',
      params: [],
      steps: [
        { name: 'prep', template: 'prep', params: {}, needs: [] },
        {
          name: 'train',
          template: 'demo',
          params: {},
          needs: ['prep'],
          matrix: { lr: [0.1, 0.2, 0.3] },
          objective: { metric: 'loss', goal: 'min' },
        },
        { name: 'eval', template: 'evaluate', params: {}, needs: ['train'] },
      ],
    },
    params: { rows: 2000 },
    launchedBy: 'U123',
    channel: 'C1',
    createdAt: '2026-11-28T10:00:00.000Z',
    steps: {
      prep: { state: 'succeeded', runId: 'r-prep', outputs: { rows: '2000', path: 'samples.json' } },
      'train#1': { state: 'succeeded', runId: 'r-t1', outputs: { loss: '0.31', weights: '1,2,3' } },
      'train#2': { state: 'succeeded', runId: 'r-t2', outputs: { loss: '0.12', weights: '4,5,6' } },
      'train#3': { state: 'running', runId: 'r-t3' },
    },
    ...overrides,
  };
}

/** Step runs of pipelineRecord, with numbers and times. */
export const STEP_RUNS: Run[] = [
  stepRun('r-prep', 58, 'succeeded', '2026-11-28T10:00:01.000Z', '2026-11-28T10:00:04.000Z'),
  stepRun('r-t1', 59, 'succeeded', '2026-11-28T10:00:05.000Z', '2026-11-28T10:00:15.000Z'),
  stepRun('r-t2', 60, 'succeeded', '2026-11-28T10:00:05.000Z', '2026-11-28T10:00:17.000Z'),
  stepRun('r-t3', 61, 'running', '2026-11-28T10:00:16.000Z'),
  stepRun('r-eval', 62, 'failed', '2026-11-28T10:00:30.000Z', '2026-11-28T10:00:31.000Z'),
];

export const lookup = (runs: Run[] = STEP_RUNS) => {
  const byId = new Map(runs.map((r) => [r.id, r]));
  return (id: string) => byId.get(id);
};

export const NOW = new Date('2026-11-28T10:00:20.000Z');

function stepRun(id: string, number: number, state: Run['state'], startedAt: string, endedAt?: string): Run {
  return makeRun({ id, number, state, startedAt, ...(endedAt ? { endedAt } : {}) });
}

import type { Run, RunState } from '../../../src/core/run/run.ts';
import { makeRun } from '../../support/make-run.ts';

/** Run ids sort with their numbers, which keeps failures readable. */
export const runId = (n: number) => `r-${String(n).padStart(10, '0')}`;

export function storedRun(number: number, state: RunState = 'succeeded', extra: Partial<Run> = {}): Run {
  return makeRun({ id: runId(number), number, state, ...extra }, { params: { epochs: 3 } });
}

/** Ended with its notice sent: nothing more will happen to it, so it may move to history. */
export function settledRun(number: number, extra: Partial<Run> = {}): Run {
  return storedRun(number, number % 5 === 0 ? 'failed' : 'succeeded', { noticeSent: true, ...extra });
}

import { FileStore } from '../../../src/adapters/store/FileStore.ts';
import type { FileStoreOptions } from '../../../src/adapters/store/file-store-options.ts';
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

/** Three or four runs a segment, five settled runs live: history is reached after a few runs. */
export const SMALL_STORE: FileStoreOptions = { liveFinished: 5, segmentBytes: 1000 };

/** A store in `dir` with `runs` saved and written. */
export async function storeWithRuns(
  dir: string,
  runs: Run[],
  opts: FileStoreOptions = SMALL_STORE,
): Promise<FileStore> {
  const store = await FileStore.open(dir, opts);
  for (const run of runs) store.saveRun(run);
  await store.flush();
  return store;
}

export const numbers = (runs: Run[]) => runs.map((r) => r.number);
export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

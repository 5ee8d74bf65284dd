import type { RunRef } from '../../core/command/command.ts';
import type { Run } from '../../core/run/run.ts';
import type { Store } from '../../ports/store.ts';

export type FoundRun = { ok: true; run: Run } | { ok: false; error: string };

/** Looks up `#42` or a run id, with a sentence for runs that do not exist. */
export function findRun(store: Store, ref: RunRef): FoundRun {
  const run = ref.kind === 'number' ? store.getRunByNumber(ref.number) : store.getRun(ref.id);
  if (run) return { ok: true, run };
  const shown = ref.kind === 'number' ? `#${ref.number}` : ref.id;
  return { ok: false, error: `There is no run ${shown}; /train list shows recent runs.` };
}

import type { RunRef } from '../../core/command/command.ts';
import type { Run } from '../../core/run/run.ts';
import type { Store } from '../../ports/store.ts';

/** The answer to a button (on a card, in the Home tab) whose run the store no longer has. */
export const RUN_GONE = 'That run is no longer known to Trainyard; /train list shows recent runs.';

export type FoundRun = { ok: true; run: Run } | { ok: false; error: string };

/** Looks up `#42` or a run id, older history included, with a sentence for runs that do not exist. */
export async function findRun(
  store: Pick<Store, 'loadRun' | 'loadRunByNumber'>,
  ref: RunRef,
): Promise<FoundRun> {
  const run = ref.kind === 'number' ? await store.loadRunByNumber(ref.number) : await store.loadRun(ref.id);
  if (run) return { ok: true, run };
  const shown = ref.kind === 'number' ? `#${ref.number}` : ref.id;
  return { ok: false, error: `There is no run ${shown}; /train list shows recent runs.` };
}

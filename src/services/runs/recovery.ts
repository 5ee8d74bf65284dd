import { isEnded, type Run } from '../../core/run/run.ts';
import type { LogArchive } from '../../ports/log-archive.ts';
import type { Runtime } from '../../ports/runtime.ts';
import type { Store } from '../../ports/store.ts';
import type { Logger } from '../../shared/log.ts';
import { completed } from './Completion.ts';
import type { RunService } from './RunService.ts';

/**
 * What the store held when this process started, taken before the chat opens: recovery looks at
 * these runs only, never at runs this process creates (a run launched a moment ago and still
 * being built or created must never be started a second time).
 */
export interface StartSnapshot {
  /** Runs the store holds as in flight. */
  active: Run[];
  /** Ended runs whose notice or log upload is still owed. */
  owed: Run[];
  /** Runs whose card is out of date, or still going without one. */
  cards: Run[];
}

export function takeSnapshot(store: Pick<Store, 'listRuns'>): StartSnapshot {
  const active = store.listRuns({ active: true });
  const all = store.listRuns();
  return {
    active,
    owed: all.filter((run) => isEnded(run.state) && !completed(run)),
    cards: all.filter((run) => run.cardStale || (!run.card && !isEnded(run.state))),
  };
}

export interface RecoveryDeps {
  runtime: Runtime;
  store: Pick<Store, 'getRun'>;
  logs: Pick<LogArchive, 'resume'>;
  runs: RunService;
  log: Logger;
}

/** Picking up where the last process left off, without polling and without starting anything twice. */
export class Recovery {
  constructor(private readonly deps: RecoveryDeps) {}

  /**
   * The runtime re-attaches to the jobs of runs in flight, and reports those that ended or
   * vanished meanwhile. Logs resume where the archive's saved cursor says: it is saved in one
   * step with the lines it came with, so a kill -9 between the two never makes a line repeat.
   * The store's copy of the run may be older (its writes are delayed): the archived lines it
   * missed are taken in first, so what they said (metrics, outputs) is not lost.
   */
  async reattach(snapshot: StartSnapshot): Promise<void> {
    if (!snapshot.active.length) return;
    const { logs, runs, store, runtime, log } = this.deps;
    log.info('recovering runs', { count: snapshot.active.length });
    const resumed = await Promise.all(
      snapshot.active.map(async (run) => {
        const { cursor, missed } = await logs.resume(run.id, run.logCursor);
        if (missed.length) {
          log.info('taking in log lines archived just before the restart', {
            runId: run.id,
            lines: missed.length,
          });
          runs.takeInArchived(run.id, missed, cursor);
        }
        const current = store.getRun(run.id) ?? run;
        return cursor ? { ...current, logCursor: cursor } : current;
      }),
    );
    await runtime.recover(resumed);
  }

  /** Cards and completion notices owed from before the restart go out in the background, through the chat's queue. */
  catchUp(snapshot: StartSnapshot): void {
    const { runs, log } = this.deps;
    runs.cards.catchUp(snapshot.cards);
    if (snapshot.owed.length)
      log.info('sending completion notices owed from before the restart', { count: snapshot.owed.length });
    for (const run of snapshot.owed) runs.completion.complete(run);
  }

  /**
   * Starts the runs the last process was about to start when it went down. It waits until the
   * runtime has synced with its backend: a job created just before the crash shows up then (and
   * moves its run on), so a run still queued has no job and starting it launches nothing twice.
   */
  async resumeInterrupted(snapshot: StartSnapshot): Promise<void> {
    const waiting = snapshot.active.filter((run) => !run.placement);
    if (!waiting.length) return;
    await this.deps.runtime.whenSynced();
    for (const { id } of waiting) {
      const run = this.deps.store.getRun(id);
      if (!run || run.placement || (run.state !== 'queued' && run.state !== 'building')) continue;
      this.deps.runs.resume(run);
    }
  }
}

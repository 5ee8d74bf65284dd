import { applyLogLines, createProgressPattern } from '../../core/progress/parse-progress.ts';
import { withRegistryHint } from '../../core/run/registry-hint.ts';
import { isEnded, type Run, type RuntimeUpdate } from '../../core/run/run.ts';
import { applyUpdate } from '../../core/run/status-machine.ts';
import type { LogArchive } from '../../ports/log-archive.ts';
import type { RuntimeSink } from '../../ports/runtime.ts';
import type { Store } from '../../ports/store.ts';
import type { RunCards } from './RunCards.ts';
import type { RunEventHub } from './RunEventHub.ts';

/** Why a run is being stopped (plain text) and the user who asked, if a person did. */
export interface StopRequest {
  reason?: string;
  stoppedBy?: string;
}

export interface RunUpdatesDeps {
  store: Store;
  cards: Pick<RunCards, 'refresh'>;
  events: RunEventHub;
  logs: Pick<LogArchive, 'append'>;
  now: () => Date;
  /** A run reached its end state (it is stored by then). */
  onEnded: (run: Run) => void;
}

/**
 * Where changes to runs land: state changes (from the runtime, or the hub's own build and submit
 * steps) through the status machine, and log lines into progress and metrics. Each visible change
 * is stored, shown on the card and told to the listeners, in that order.
 */
export class RunUpdates implements RuntimeSink {
  private readonly patterns = new Map<string, RegExp | undefined>();
  /** Why each run is being stopped and who asked, so its end state says so. */
  private readonly stops = new Map<string, StopRequest>();

  constructor(private readonly deps: RunUpdatesDeps) {}

  /** Stores a change people can see, refreshes the card and tells the listeners. */
  save(run: Run): void {
    this.deps.store.saveRun(run);
    this.deps.cards.refresh(run);
    this.deps.events.runChanged(run);
  }

  /** The run is being stopped: its `stopped` end will carry the reason and who asked. */
  stopping(runId: string, stop: StopRequest): void {
    this.stops.set(runId, stop);
  }

  update(runId: string, update: RuntimeUpdate): void {
    const run = this.deps.store.getRun(runId);
    if (!run) return;
    const stop = this.stops.get(runId);
    const stopped =
      update.state === 'stopped' && stop
        ? { ...update, reason: update.reason ?? stop.reason, stoppedBy: update.stoppedBy ?? stop.stoppedBy }
        : update;
    // A build or pull that found no registry says what to try instead, whichever step reported it.
    const adjusted = stopped.reason
      ? { ...stopped, reason: withRegistryHint(stopped.reason, run.runtime) }
      : stopped;
    const next = applyUpdate(run, adjusted, update.at ?? this.deps.now());
    if (!next) return;
    this.save(next);
    if (!isEnded(next.state)) return;
    this.stops.delete(runId);
    this.patterns.delete(runId);
    this.deps.events.runEnded(next);
    this.deps.onEnded(next);
  }

  /** The commit its code was checked out at: recorded once in its lineage (a repeat changes nothing). */
  resolved(runId: string, facts: { commit: string }): void {
    const run = this.deps.store.getRun(runId);
    if (!run?.lineage || run.lineage.commit) return;
    this.deps.store.saveRun({ ...run, lineage: { ...run.lineage, commit: facts.commit } });
  }

  log(runId: string, lines: string[], cursor?: string): void {
    const run = this.deps.store.getRun(runId);
    if (!run || !lines.length) return;
    // The archive keeps the cursor with the lines, in one step: after a crash, recovery resumes
    // the runtime there, and hands back the lines the store's copy missed (see takeIn).
    this.deps.logs.append(runId, lines, cursor);
    this.apply(run, lines, cursor);
  }

  /**
   * Archived log lines the stored run missed, taken in without archiving them again: the store
   * writes a moment after the archive, and a kill between the two would otherwise lose what they
   * said (a pipeline step's outputs among them).
   */
  takeIn(runId: string, lines: string[], cursor?: string): void {
    const run = this.deps.store.getRun(runId);
    if (run && lines.length) this.apply(run, lines, cursor);
  }

  /** Log lines into the run's progress, metrics and outputs. */
  private apply(run: Run, lines: string[], cursor: string | undefined): void {
    const now = this.deps.now();
    const next = applyLogLines(run, lines, now, this.patternFor(run));
    if (next) this.save(cursor ? { ...next, logCursor: cursor } : next);
    // Lines that change nothing visible still show the run was alive then (a lost run's duration ends there).
    else if (cursor) this.deps.store.saveRun({ ...run, logCursor: cursor, lastSeenAt: now.toISOString() });
  }

  private patternFor(run: Run): RegExp | undefined {
    if (!this.patterns.has(run.id))
      this.patterns.set(run.id, createProgressPattern(run.spec.progressPattern));
    return this.patterns.get(run.id);
  }
}

import { applyLogLines, createProgressPattern } from '../../core/progress/parse-progress.ts';
import { isEnded, type Run, type RuntimeUpdate } from '../../core/run/run.ts';
import { applyUpdate } from '../../core/run/status-machine.ts';
import type { LogArchive } from '../../ports/log-archive.ts';
import type { RuntimeSink } from '../../ports/runtime.ts';
import type { Store } from '../../ports/store.ts';
import type { RunCards } from './RunCards.ts';
import type { RunEventHub } from './RunEventHub.ts';

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
  /** Why each run is being stopped, so its end state says who stopped it. */
  private readonly stopReasons = new Map<string, string>();

  constructor(private readonly deps: RunUpdatesDeps) {}

  /** Stores a change people can see, refreshes the card and tells the listeners. */
  save(run: Run): void {
    this.deps.store.saveRun(run);
    this.deps.cards.refresh(run);
    this.deps.events.runChanged(run);
  }

  /** The run is being stopped for this reason; its `stopped` end will carry it. */
  stopping(runId: string, reason: string): void {
    this.stopReasons.set(runId, reason);
  }

  update(runId: string, update: RuntimeUpdate): void {
    const run = this.deps.store.getRun(runId);
    if (!run) return;
    const stopReason = this.stopReasons.get(runId);
    const adjusted =
      update.state === 'stopped' && stopReason && !update.reason ? { ...update, reason: stopReason } : update;
    const next = applyUpdate(run, adjusted, update.at ?? this.deps.now());
    if (!next) return;
    this.save(next);
    if (!isEnded(next.state)) return;
    this.stopReasons.delete(runId);
    this.patterns.delete(runId);
    this.deps.events.runEnded(next);
    this.deps.onEnded(next);
  }

  log(runId: string, lines: string[], cursor?: string): void {
    if (!lines.length) return;
    const run = this.deps.store.getRun(runId);
    if (!run) return;
    this.deps.logs.append(runId, lines);
    const next = applyLogLines(run, lines, this.deps.now(), this.patternFor(run));
    if (next) this.save(cursor ? { ...next, logCursor: cursor } : next);
    else if (cursor) this.deps.store.saveRun({ ...run, logCursor: cursor });
  }

  private patternFor(run: Run): RegExp | undefined {
    if (!this.patterns.has(run.id))
      this.patterns.set(run.id, createProgressPattern(run.spec.progressPattern));
    return this.patterns.get(run.id);
  }
}

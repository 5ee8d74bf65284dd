import { isEnded, type RuntimeUpdate } from '../../src/core/run/run.ts';
import type { RuntimeSink } from '../../src/ports/runtime.ts';

/**
 * Records what a runtime reports, keeps the latest log cursor per run (as the orchestrator stores
 * it on the run), and lets a test wait for a condition on what arrived.
 */
export class RecordingSink implements RuntimeSink {
  readonly updates: { runId: string; update: RuntimeUpdate }[] = [];
  readonly lines = new Map<string, string[]>();
  /** The latest log cursor per run. */
  readonly cursors = new Map<string, string>();
  /** Deliveries of lines that came without a cursor (runtimes that can resume must always pass one). */
  uncursored = 0;
  /** Commits the runtime resolved for runs' code, by run id. */
  readonly commits = new Map<string, string>();
  /** The log lines each run had delivered when its end was first reported. */
  readonly linesAtEnd = new Map<string, string[]>();
  private waiters = new Set<() => void>();

  update(runId: string, update: RuntimeUpdate): void {
    this.updates.push({ runId, update });
    if (isEnded(update.state) && !this.linesAtEnd.has(runId)) this.linesAtEnd.set(runId, this.linesOf(runId));
    this.changed();
  }

  log(runId: string, lines: string[], cursor?: string): void {
    this.lines.set(runId, [...(this.lines.get(runId) ?? []), ...lines]);
    if (cursor) this.cursors.set(runId, cursor);
    else this.uncursored++;
    this.changed();
  }

  resolved(runId: string, facts: { commit: string }): void {
    this.commits.set(runId, facts.commit);
    this.changed();
  }

  /** The states reported for a run, repeats (same state, new reason) folded. */
  statesOf(runId: string): string[] {
    const states = this.updates.filter((u) => u.runId === runId).map((u) => u.update.state);
    return states.filter((s, i) => s !== states[i - 1]);
  }

  last(runId: string): RuntimeUpdate | undefined {
    return this.updates.filter((u) => u.runId === runId).at(-1)?.update;
  }

  linesOf(runId: string): string[] {
    return this.lines.get(runId) ?? [];
  }

  /**
   * Resolves when `check` holds (looked at on every report and every few milliseconds); fails,
   * naming `what`, if it does not within a generous limit.
   */
  until(what: string, check: () => boolean, limitMs = 15_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = () => {
        if (!check()) return;
        this.waiters.delete(waiter);
        clearTimeout(timer);
        clearInterval(poll);
        resolve();
      };
      const poll = setInterval(waiter, 5);
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        clearInterval(poll);
        reject(new Error(`timed out waiting for ${what}; updates: ${JSON.stringify(this.updates)}`));
      }, limitMs);
      this.waiters.add(waiter);
    });
  }

  untilState(runId: string, state: string): Promise<void> {
    return this.until(`run ${runId} to be ${state}`, () => this.last(runId)?.state === state);
  }

  /** Resolves once the run has reached an end state. */
  ended(runId: string): Promise<void> {
    return this.until(`run ${runId} to end`, () =>
      this.updates.some((u) => u.runId === runId && isEnded(u.update.state)),
    );
  }

  /** Resolves once the run has delivered a line that `match` accepts (or equals it). */
  untilLine(runId: string, match: string | ((line: string) => boolean)): Promise<void> {
    const accepts = typeof match === 'string' ? (l: string) => l === match : match;
    return this.until(`a line ${String(match)} from ${runId}`, () => this.linesOf(runId).some(accepts));
  }

  private changed(): void {
    for (const w of [...this.waiters]) w();
  }
}

import type { RuntimeUpdate } from '../../src/core/run/run.ts';
import type { RuntimeSink } from '../../src/ports/runtime.ts';

/** Collects what a runtime reports, and lets a test wait for an end state. */
export class RecordingSink implements RuntimeSink {
  readonly updates: { runId: string; update: RuntimeUpdate }[] = [];
  readonly lines = new Map<string, string[]>();
  private waiters: (() => void)[] = [];

  update(runId: string, update: RuntimeUpdate): void {
    this.updates.push({ runId, update });
    for (const w of this.waiters) w();
  }

  log(runId: string, lines: string[]): void {
    this.lines.set(runId, [...(this.lines.get(runId) ?? []), ...lines]);
    for (const w of this.waiters) w();
  }

  statesOf(runId: string): string[] {
    return this.updates.filter((u) => u.runId === runId).map((u) => u.update.state);
  }

  lastOf(runId: string): RuntimeUpdate | undefined {
    return this.updates.filter((u) => u.runId === runId).at(-1)?.update;
  }

  /** Waits until `check` holds, re-checking on every event; fails after `ms`. */
  async until(check: () => boolean, ms = 10_000): Promise<void> {
    if (check()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for runtime events')), ms);
      const waiter = () => {
        if (!check()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve();
      };
      this.waiters.push(waiter);
    });
  }

  ended(runId: string): Promise<void> {
    const endStates = ['succeeded', 'failed', 'stopped', 'lost'];
    return this.until(() => this.statesOf(runId).some((s) => endStates.includes(s)));
  }
}

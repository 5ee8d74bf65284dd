import type { Run, RunSpec, RuntimeUpdate } from '../../src/core/run/run.ts';
import type { Placement, Runtime, RuntimeSink } from '../../src/ports/runtime.ts';

/** A runtime the test drives by hand: it records submits and stops and reports what it is told. */
export class FakeRuntime implements Runtime {
  readonly kind = 'kubernetes' as const;
  readonly location = 'namespace test';
  keepsArtifacts = true;
  sink?: RuntimeSink;
  readonly submitted: Run[] = [];
  readonly stopped: string[] = [];
  recovered: Run[] = [];
  /** Set to make the next submit fail with this message. */
  failNextSubmit?: string;
  /** What recover() reports for each run id; runs not listed are left alone. */
  onRecover = new Map<string, RuntimeUpdate>();

  async start(sink: RuntimeSink): Promise<void> {
    this.sink = sink;
  }
  ready(): boolean {
    return Boolean(this.sink) && this.synced;
  }
  /** Cleared to hold the first sync back (an API server that answers late); syncNow() lets it through. */
  synced = true;
  /** While set, whenSynced also waits for it: a backend slow to answer its first list. */
  syncGate?: Promise<void>;
  private syncWaiters: (() => void)[] = [];
  async whenSynced(): Promise<void> {
    await this.syncGate;
    if (!this.synced) await new Promise<void>((resolve) => this.syncWaiters.push(resolve));
  }
  syncNow(): void {
    this.synced = true;
    for (const resolve of this.syncWaiters.splice(0)) resolve();
  }
  /** Set to refuse specs (as the process and docker runtimes refuse Kubernetes-only settings). */
  refuse?: (spec: RunSpec) => string | undefined;
  cannotHonour(spec: RunSpec): string | undefined {
    return this.refuse?.(spec);
  }
  /** Set to say what of a spec this runtime runs without (as the process runtime says of GPUs). */
  leaves?: (spec: RunSpec) => string | undefined;
  leavesOut(spec: RunSpec): string | undefined {
    return this.leaves?.(spec);
  }
  /** While set, submits wait for it: a slow API server. */
  submitGate?: Promise<void>;

  async submit(run: Run): Promise<Placement> {
    await this.submitGate;
    if (this.failNextSubmit) {
      const message = this.failNextSubmit;
      this.failNextSubmit = undefined;
      throw new Error(message);
    }
    this.submitted.push(run);
    return { handle: `${run.spec.template}-${run.number}-abcde`, namespace: 'test' };
  }
  async stop(run: Run): Promise<void> {
    this.stopped.push(run.id);
    this.sink?.update(run.id, { state: 'stopped' });
  }
  async recover(runs: Run[]): Promise<void> {
    this.recovered = runs;
    for (const run of runs) {
      // As a real runtime does: the job's log goes on after the run's cursor, and its end is
      // reported once the log has been read to the end.
      const printed = this.printed.get(run.id) ?? [];
      const rest = printed.slice(Number(run.logCursor ?? 0));
      if (rest.length) this.sink?.log(run.id, rest, String(printed.length));
      const update = this.onRecover.get(run.id);
      if (update) this.sink?.update(run.id, update);
    }
  }
  async close(): Promise<void> {}

  report(runId: string, update: RuntimeUpdate): void {
    this.sink?.update(runId, update);
  }
  logs(runId: string, lines: string[]): void {
    this.sink?.log(runId, lines);
  }

  /**
   * What each job printed, as its backend keeps it (hand it to the runtime of a restarted bot):
   * `print` delivers lines with a cursor (the count printed so far), and recover() resumes after
   * the cursor each run comes with.
   */
  printed = new Map<string, string[]>();
  print(runId: string, lines: string[]): void {
    const printed = [...(this.printed.get(runId) ?? []), ...lines];
    this.printed.set(runId, printed);
    this.sink?.log(runId, lines, String(printed.length));
  }
}

import type { Run } from '../../src/core/run/run.ts';
import type { LaunchCheck, Launcher, LaunchRequest, LaunchResult } from '../../src/ports/launcher.ts';
import type { Store } from '../../src/ports/store.ts';
import { makeRun } from './make-run.ts';

/**
 * A Launcher that records what it was asked and stores a `running` run for each launch,
 * so concurrency policies see it as active until the test ends it.
 */
export class RecordingLauncher implements Launcher {
  readonly launches: { request: LaunchRequest; at: Date; run?: Run }[] = [];
  readonly stops: { runId: string; reason?: string; stoppedBy?: string }[] = [];
  readonly checks: LaunchRequest[] = [];
  /** Set to refuse launches with this sentence, as the run service does for bad input. */
  refuse: string | undefined;
  /** What check() says about a launch: a sentence refuses it. Everything passes by default. */
  checkWith: (request: LaunchRequest) => string | undefined = () => undefined;

  constructor(
    private readonly store: Store,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async check(request: LaunchRequest): Promise<LaunchCheck> {
    this.checks.push(request);
    const error = this.checkWith(request);
    return error
      ? { ok: false, error }
      : { ok: true, spec: makeRun({}, { template: request.template }).spec };
  }

  async launch(request: LaunchRequest): Promise<LaunchResult> {
    if (this.refuse) {
      this.launches.push({ request, at: this.now() });
      return { ok: false, error: this.refuse };
    }
    const run = makeRun(
      {
        number: this.store.nextRunNumber(),
        state: 'running',
        launchedBy: request.user,
        channel: request.channel,
        ...(request.origin?.kind === 'schedule' ? { schedule: request.origin.name } : {}),
        origin: request.origin,
      },
      { template: request.template },
    );
    this.store.saveRun(run);
    this.launches.push({ request, at: this.now(), run });
    return { ok: true, run };
  }

  async stop(runId: string, reason?: string, stoppedBy?: string): Promise<void> {
    this.stops.push({ runId, reason, stoppedBy });
    this.end(runId, 'stopped');
  }

  async whenEnded(runId: string): Promise<Run> {
    const run = this.store.getRun(runId);
    if (!run) throw new Error(`no run ${runId}`);
    return run;
  }

  /** Ends a run as the runtime would. */
  end(runId: string, state: 'succeeded' | 'failed' | 'stopped' = 'succeeded'): void {
    const run = this.store.getRun(runId);
    if (run) this.store.saveRun({ ...run, state, endedAt: this.now().toISOString() });
  }
}

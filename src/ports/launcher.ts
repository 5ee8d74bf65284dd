import type { RawOptions, RawParams } from '../core/command/command.ts';
import type { Run, RunInput, RunOrigin, RunParent, RunSpec } from '../core/run/run.ts';

export interface LaunchRequest {
  template: string;
  params: RawParams;
  options: RawOptions;
  /** Who the run is launched as: the policy applies to them, and the notice mentions them. */
  user: string;
  channel: string;
  /** What started it; `{ kind: 'command' }` when absent. */
  origin?: RunOrigin;
  /** The service that starts it and reports for it; runs of one parent count as one against the run limit. */
  parent?: RunParent;
  /** No card and no completion notice of its own (its parent reports for it); otherwise a normal run. */
  quiet?: boolean;
  /** Extra labels for its Job and pod (e.g. `trainyard.io/sweep`); the run's own labels always win. */
  labels?: Record<string, string>;
  /** Extra annotations (e.g. `trainyard.io/trial`). */
  annotations?: Record<string, string>;
  /**
   * The run's id, chosen by the caller so that launching again after a restart is the same launch:
   * when a run with this id exists, launch answers with it and creates nothing.
   */
  id?: string;
  /** Earlier runs whose artifacts it reads under TRAINYARD_INPUTS (a pipeline step's needs). */
  inputs?: RunInput[];
  /** Ids of the runs whose outputs or artifacts it uses, for its lineage. */
  consumed?: string[];
}

export type LaunchResult = { ok: true; run: Run } | { ok: false; error: string };

/** A launch as it would be made, or the one sentence saying why it would be refused. */
export type LaunchCheck = { ok: true; spec: RunSpec } | { ok: false; error: string };

/**
 * Starting and stopping runs: what the scheduler, the command modules (and later sweeps and
 * pipelines) ask of the run service. Implementation: RunService.
 */
export interface Launcher {
  /**
   * Checks a launch as `launch` would — template, params, options, the channel's templates, the
   * GPU cap — without creating anything. The concurrent-runs limit is left out: it depends on the
   * moment of the launch, and `launch` applies it then.
   */
  check(req: LaunchRequest): Promise<LaunchCheck>;
  /** Validates, checks policy, stores the run, posts its card (unless quiet) and starts it. Never throws for bad input. */
  launch(req: LaunchRequest): Promise<LaunchResult>;
  /**
   * Stops a run on behalf of someone or something: `reason` says why, in plain text (e.g.
   * `replaced by the next run of schedule nightly`); `stoppedBy` is the user who asked, when a
   * person did (the run's end state carries it and the views mention them).
   */
  stop(runId: string, reason?: string, stoppedBy?: string): Promise<void>;
  /** Resolves when the run has ended and its completion notice is dealt with (at once if it has). */
  whenEnded(runId: string): Promise<Run>;
}

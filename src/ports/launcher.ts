import type { RawOptions, RawParams } from '../core/command/command.ts';
import type { Run } from '../core/run/run.ts';

export interface LaunchRequest {
  template: string;
  params: RawParams;
  options: RawOptions;
  user: string;
  channel: string;
  /** Set when a schedule launches the run. */
  schedule?: string;
  rerunOf?: string;
}

export type LaunchResult = { ok: true; run: Run } | { ok: false; error: string };

/**
 * What the scheduler (and tests) may ask of the orchestrator. Kept small so the scheduler
 * does not depend on the orchestrator's internals.
 */
export interface Launcher {
  /** Validates, checks policy, stores the run, posts its card and starts it. Never throws for bad input. */
  launch(req: LaunchRequest): Promise<LaunchResult>;
  /** Stops a run on behalf of the system (e.g. a `replace` schedule). */
  stop(runId: string, reason: string): Promise<void>;
  /** Resolves when the run reaches an end state (immediately if it has). */
  whenEnded(runId: string): Promise<Run>;
}

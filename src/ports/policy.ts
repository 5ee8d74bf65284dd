import type { Run, RunSpec } from '../core/run/run.ts';

/** Who may do what. Loaded from TRAINYARD_CONFIG; the default allows launches to everyone. */
export interface Policy {
  isAdmin(user: string): boolean;
  /** One sentence saying why this launch is refused, or undefined if allowed. */
  checkLaunch(user: string, channel: string, spec: RunSpec, activeRunsOfUser: number): string | undefined;
  /**
   * Whether `template` may be launched in `channel`, or, without a channel, in at least one channel:
   * forms and the Home tab list only these. Absent: every template may be launched everywhere.
   */
  mayLaunch?(template: string, channel?: string): boolean;
  /**
   * Stop (and schedule deletion) are for the launcher/owner and admins: of a run, or of anything
   * else someone launched (a sweep).
   */
  mayStop(user: string, launched: Pick<Run, 'launchedBy'>): boolean;
  /** The most trials of one sweep that may run at once (`maxParallelTrials`); absent: no cap. */
  readonly maxParallelTrials?: number;
}

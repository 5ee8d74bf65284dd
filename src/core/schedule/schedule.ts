import type { RawOptions, RawParams, SchedulePolicy } from '../command/command.ts';

/** A recurring run, as stored. Params stay raw so a changed template is re-checked at fire time. */
export interface Schedule {
  name: string;
  cron: string;
  timezone: string;
  template: string;
  params: RawParams;
  options: RawOptions;
  policy: SchedulePolicy;
  channel: string;
  owner: string;
  paused: boolean;
  createdAt: string;
  /** Fire time (scheduled, not actual) of the last occurrence handled. */
  lastFireAt?: string;
  lastRunId?: string;
  /** When it was last resumed: fires while it was paused are not "missed". */
  resumedAt?: string;
  /** Seconds after a missed fire time during which it still runs after a restart. */
  startingDeadlineSeconds: number;
}

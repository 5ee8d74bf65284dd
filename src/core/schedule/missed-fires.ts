import type { CronFields } from './cron-expression.ts';
import { fireTimesBetween } from './fire-times.ts';
import type { Schedule } from './schedule.ts';

export const DEFAULT_STARTING_DEADLINE_SECONDS = 3600;

/** Older misses are counted in full but only this many are listed. */
const LISTED_SKIPS = 20;

export interface MissedFirePlan {
  /** The most recent missed fire, still within the starting deadline: run it once, late. */
  run?: Date;
  /** The newest missed fires that are not run (up to 20), oldest first. */
  skipped: Date[];
  /** How many missed fires are not run in total. */
  skippedCount: number;
  /** The newest fire at or before `now`; the schedule has handled everything up to here. */
  handledUntil?: Date;
}

/**
 * What to do about fires that passed while nothing was watching (the bot was down, or the
 * process was suspended): run only the most recent one, and only if it is not older than
 * the schedule's starting deadline; report the rest.
 */
export function planMissedFires(
  schedule: Pick<Schedule, 'timezone' | 'startingDeadlineSeconds'>,
  fields: CronFields,
  lastFireAt: Date,
  now: Date,
): MissedFirePlan {
  const deadlineMs = (schedule.startingDeadlineSeconds ?? DEFAULT_STARTING_DEADLINE_SECONDS) * 1000;
  const missed: Date[] = [];
  let count = 0;
  for (const fire of fireTimesBetween(fields, schedule.timezone, lastFireAt, now)) {
    missed.push(fire);
    count++;
    // Keep a bounded window: the listed skips plus the one that may run.
    if (missed.length > LISTED_SKIPS + 1) missed.shift();
  }
  if (count === 0) return { skipped: [], skippedCount: 0 };
  const newest = missed[missed.length - 1];
  const runnable = now.getTime() - newest.getTime() <= deadlineMs;
  const skipped = runnable ? missed.slice(0, -1) : missed;
  return {
    run: runnable ? newest : undefined,
    skipped: skipped.slice(-LISTED_SKIPS),
    skippedCount: runnable ? count - 1 : count,
    handledUntil: newest,
  };
}

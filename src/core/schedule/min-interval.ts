import type { CronFields } from './cron-expression.ts';
import { fireTimesAfter } from './fire-times.ts';

/** How many upcoming fires are compared; enough to see every gap of a daily or weekly pattern. */
const FIRES_COMPARED = 1000;

/** The smallest gap between consecutive fires among the next fires after `from`, in seconds. */
export function smallestGapSeconds(fields: CronFields, timezone: string, from: Date): number | undefined {
  let previous: number | undefined;
  let smallest: number | undefined;
  let seen = 0;
  for (const fire of fireTimesAfter(fields, timezone, from)) {
    const t = fire.getTime();
    if (previous !== undefined) {
      const gap = (t - previous) / 1000;
      if (smallest === undefined || gap < smallest) smallest = gap;
    }
    previous = t;
    if (++seen >= FIRES_COMPARED) break;
  }
  return smallest;
}

/**
 * One sentence when the schedule would fire more often than `minSeconds` allows
 * (TRAINYARD_SCHEDULE_MIN_INTERVAL; 0 allows anything), else undefined.
 */
export function checkMinInterval(
  expression: string,
  fields: CronFields,
  timezone: string,
  from: Date,
  minSeconds: number,
): string | undefined {
  if (minSeconds <= 0) return undefined;
  const gap = smallestGapSeconds(fields, timezone, from);
  if (gap === undefined || gap >= minSeconds) return undefined;
  return `"${expression}" fires as often as every ${formatSeconds(gap)}, but a schedule's fires must be at least ${formatSeconds(minSeconds)} apart (TRAINYARD_SCHEDULE_MIN_INTERVAL=${minSeconds}).`;
}

function formatSeconds(s: number): string {
  if (s % 3600 === 0) return s === 3600 ? '1 hour' : `${s / 3600} hours`;
  if (s % 60 === 0) return s === 60 ? '1 minute' : `${s / 60} minutes`;
  return s === 1 ? '1 second' : `${s} seconds`;
}

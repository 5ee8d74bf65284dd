import { type CronFields, parseCron } from './cron-expression.ts';
import { offsetAt, offsetChangeBetween, WALL, wallClockAt } from './zoned-time.ts';

/**
 * When a schedule fires, computed from wall-clock time in its zone. Clock changes follow
 * one rule each:
 * - autumn (a wall time happens twice): it fires once, at the first occurrence;
 * - spring (a wall time does not exist): it fires at the first moment after the jump
 *   (02:30 in Berlin on the last Sunday of March fires at 03:00 CEST).
 * node-cron 4 itself skips such a spring fire for that day, which is why the scheduler
 * takes its times from here.
 */

/** Eight years: long enough to reach any 29 February and any weekday/date combination. */
const MAX_DAYS_WITHOUT_FIRE = 8 * 366;
/** Widest gap between a wall time and its instant (UTC+14 / UTC-12), so a day's instants are surely inside. */
const MAX_OFFSET_MS = 15 * WALL.HOUR_MS;

function dayMatches(fields: CronFields, day: Date): boolean {
  if (!fields.months.has(day.getUTCMonth() + 1)) return false;
  const dom = fields.daysOfMonth.has(day.getUTCDate());
  const dow = fields.daysOfWeek.has(day.getUTCDay());
  if (fields.daysOfMonthRestricted && fields.daysOfWeekRestricted) return dom || dow;
  return dom && dow;
}

/**
 * Every fire strictly after `from`, in order, forever (or until no fire is found for eight
 * years). Lazy, so callers take as many as they need.
 */
export function* fireTimesAfter(fields: CronFields, timezone: string, from: Date): Generator<Date> {
  const fromMs = from.getTime();
  let last = fromMs;
  const fromWall = wallClockAt(fromMs, timezone);
  // Start a day early: a wall time late on the previous day can map past `from` near a clock change.
  let day = Math.floor(fromWall / WALL.DAY_MS) * WALL.DAY_MS - WALL.DAY_MS;
  let daysWithoutFire = 0;
  while (daysWithoutFire <= MAX_DAYS_WITHOUT_FIRE) {
    daysWithoutFire++;
    const thisDay = day;
    day += WALL.DAY_MS;
    if (!dayMatches(fields, new Date(thisDay))) continue;
    const offsets = offsetsOfDay(thisDay, timezone);
    // Wall times before this bound cannot map after `from` (on a change day allow the change's size).
    const lowerBound = offsets.change === undefined ? fromWall : fromWall - 2 * WALL.HOUR_MS;
    if (thisDay + WALL.DAY_MS <= lowerBound) continue;
    for (const hour of fields.hours) {
      const hourStart = thisDay + hour * WALL.HOUR_MS;
      if (hourStart + WALL.HOUR_MS <= lowerBound) continue;
      for (const minute of fields.minutes) {
        const minuteStart = hourStart + minute * 60_000;
        if (minuteStart + 60_000 <= lowerBound) continue;
        for (const second of fields.seconds) {
          const wall = minuteStart + second * 1000;
          if (wall < lowerBound) continue;
          const instant = instantOf(wall, offsets);
          if (instant > last) {
            last = instant;
            daysWithoutFire = 0;
            yield new Date(instant);
          }
        }
      }
    }
  }
}

interface DayOffsets {
  before: number;
  after: number;
  /** The instant the clocks change, if they change on (or right around) this day. */
  change?: number;
}

/** Offsets per zone and day are asked for again and again (every schedule, every wake-up); they never change. */
const dayOffsetsCache = new Map<string, DayOffsets>();
const DAY_OFFSETS_CACHED = 20_000;

function offsetsOfDay(day: number, timezone: string): DayOffsets {
  const key = `${timezone} ${day}`;
  const cached = dayOffsetsCache.get(key);
  if (cached) return cached;
  const from = day - MAX_OFFSET_MS;
  const to = day + WALL.DAY_MS + MAX_OFFSET_MS;
  const before = offsetAt(from, timezone);
  const change = offsetChangeBetween(from, to, timezone);
  const offsets =
    change === undefined ? { before, after: before } : { before, after: offsetAt(change, timezone), change };
  if (dayOffsetsCache.size >= DAY_OFFSETS_CACHED) dayOffsetsCache.clear();
  dayOffsetsCache.set(key, offsets);
  return offsets;
}

/**
 * The instant a wall time fires at: the first occurrence of a repeated wall time, the
 * moment the clocks jump for one that does not exist.
 */
function instantOf(wall: number, { before, after, change }: DayOffsets): number {
  if (change === undefined) return wall - before;
  const underOldOffset = wall - before;
  if (underOldOffset < change) return underOldOffset;
  const underNewOffset = wall - after;
  return underNewOffset >= change ? underNewOffset : change;
}

/**
 * The next `count` fires strictly after `from` (fewer only if the expression never fires
 * again; none for an expression that does not parse).
 */
export function nextFireTimes(
  cron: string | CronFields,
  timezone: string,
  from: Date,
  count: number,
): Date[] {
  const fields = typeof cron === 'string' ? parseCron(cron) : { ok: true as const, fields: cron };
  const fires: Date[] = [];
  if (!fields.ok || count <= 0) return fires;
  for (const fire of fireTimesAfter(fields.fields, timezone, from)) {
    fires.push(fire);
    if (fires.length >= count) break;
  }
  return fires;
}

/** Fires in (after, until], oldest first. */
export function* fireTimesBetween(
  fields: CronFields,
  timezone: string,
  after: Date,
  until: Date,
): Generator<Date> {
  for (const fire of fireTimesAfter(fields, timezone, after)) {
    if (fire.getTime() > until.getTime()) return;
    yield fire;
  }
}

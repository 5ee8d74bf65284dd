/**
 * Wall-clock time in an IANA zone, with no I/O. A wall time is kept as milliseconds on a
 * UTC axis ("Date.UTC of what the clock on the wall shows"), so it can be compared and
 * stepped with plain arithmetic; `instantsOf` maps it back to real instants.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, f);
  }
  return f;
}

/**
 * The zone's canonical IANA spelling (`utc` → `UTC`, `europe/berlin` → `Europe/Berlin`) when Intl
 * knows it, else undefined: the one time-zone check for the config, commands and schedules.
 */
export function canonicalTimeZone(timezone: string): string | undefined {
  if (!timezone) return undefined;
  try {
    // Not through the formatter cache: any spelling a user types would stay in it.
    return new Intl.DateTimeFormat('en-US', { timeZone: timezone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** True when Intl knows the zone (e.g. `Europe/Berlin`, `UTC`). */
export const isKnownTimeZone = (timezone: string): boolean => canonicalTimeZone(timezone) !== undefined;

/** Every zone name Intl knows, for "did you mean" hints. */
export function knownTimeZones(): string[] {
  return [...Intl.supportedValuesOf('timeZone'), 'UTC'];
}

/** What the wall clock in `timezone` shows at `instant` (ms), on the UTC axis, to the second, straight from Intl. */
function wallTimeAt(instant: number, timezone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timezone).formatToParts(new Date(instant))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour % 24, parts.minute, parts.second);
}

/**
 * Every clock change since the 1970s happens on a quarter hour of UTC (offsets are whole
 * quarter hours), so a zone's offset is constant within each UTC quarter hour. Caching it per
 * quarter turns the expensive Intl call (~0.1 ms) into a map lookup for every later question.
 */
const QUARTER_MS = 15 * 60_000;
const offsetCache = new Map<string, number>();
const OFFSETS_CACHED = 50_000;

/** The zone's offset from UTC at `instant`, in ms (Berlin in summer: +2 h). */
export function offsetAt(instant: number, timezone: string): number {
  const quarter = Math.floor(instant / QUARTER_MS) * QUARTER_MS;
  const key = `${timezone} ${quarter}`;
  let offset = offsetCache.get(key);
  if (offset === undefined) {
    offset = wallTimeAt(quarter, timezone) - quarter;
    if (offsetCache.size >= OFFSETS_CACHED) offsetCache.clear();
    offsetCache.set(key, offset);
  }
  return offset;
}

/** What the wall clock shows at `instant`, on the UTC axis, to the second (cached; see offsetAt). */
export function wallClockAt(instant: number, timezone: string): number {
  const second = Math.floor(instant / 1000) * 1000;
  return second + offsetAt(second, timezone);
}

/**
 * The first instant in (from, to] at which the zone's offset differs from its offset at
 * `from`, to the second, or undefined when the offset does not change in between.
 * Assumes at most one clock change in the interval (true for any span of a few days).
 */
export function offsetChangeBetween(from: number, to: number, timezone: string): number | undefined {
  const before = offsetAt(from, timezone);
  if (offsetAt(to, timezone) === before) return undefined;
  let lo = Math.floor(from / 1000) * 1000;
  let hi = Math.floor(to / 1000) * 1000;
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (offsetAt(mid, timezone) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

export const WALL = { HOUR_MS, DAY_MS } as const;

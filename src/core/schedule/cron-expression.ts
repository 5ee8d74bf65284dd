import { validateDetailed } from 'node-cron';

/**
 * A cron expression expanded into the values each field allows. Five fields
 * (minute hour day-of-month month day-of-week) or six with seconds first, as node-cron reads them.
 */
export interface CronFields {
  seconds: number[];
  minutes: number[];
  hours: number[];
  daysOfMonth: ReadonlySet<number>;
  months: ReadonlySet<number>;
  /** 0 = Sunday (7 is read as Sunday too). */
  daysOfWeek: ReadonlySet<number>;
  /**
   * Classic cron rule: when both day fields are restricted, a day matches if EITHER does
   * (`0 0 1 * 1` = the 1st of the month and every Monday).
   */
  daysOfMonthRestricted: boolean;
  daysOfWeekRestricted: boolean;
  hasSeconds: boolean;
}

export type CronParseResult = { ok: true; fields: CronFields } | { ok: false; error: string };

interface FieldSpec {
  label: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** Index of the first name's value (months start at 1, weekdays at 0). */
  namesFrom?: number;
}

const MONTH_NAMES = [
  'jan',
  'feb',
  'mar',
  'apr',
  'may',
  'jun',
  'jul',
  'aug',
  'sep',
  'oct',
  'nov',
  'dec',
] as const;
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

const SECOND: FieldSpec = { label: 'second', min: 0, max: 59 };
const FIVE_FIELDS: FieldSpec[] = [
  { label: 'minute', min: 0, max: 59 },
  { label: 'hour', min: 0, max: 23 },
  { label: 'day-of-month', min: 1, max: 31 },
  { label: 'month', min: 1, max: 12, names: MONTH_NAMES, namesFrom: 1 },
  { label: 'day-of-week', min: 0, max: 7, names: DAY_NAMES, namesFrom: 0 },
];

const NICKNAMES: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** Quartz-style extensions node-cron knows (last day, nearest weekday, nth weekday). */
const SPECIAL_TOKEN = /^(L|LW|\d+W|\d+L|L-\d+|\d#\d)$/i;

const FIELD_SHAPE = 'use numbers, names (MON, JAN), ranges (1-5), lists (1,15), steps (*/10) or *';

/** `@daily` → `0 0 * * *`; anything else unchanged but trimmed. */
export function expandNickname(expression: string): string {
  const trimmed = expression.trim().replace(/\s+/g, ' ');
  return Object.hasOwn(NICKNAMES, trimmed.toLowerCase()) ? NICKNAMES[trimmed.toLowerCase()] : trimmed;
}

function fieldValue(token: string, spec: FieldSpec): number | undefined {
  if (/^\d+$/.test(token)) return Number(token);
  const index = spec.names?.indexOf(token.toLowerCase() as never) ?? -1;
  return index >= 0 ? index + (spec.namesFrom ?? 0) : undefined;
}

/** One field → its allowed values, or one sentence saying what is wrong with it. */
function parseField(text: string, spec: FieldSpec): { values: Set<number>; restricted: boolean } | string {
  const where = `the ${spec.label} field "${text}"`;
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const match = /^([^/]+)(?:\/(.+))?$/.exec(part);
    if (!match) return `${capitalize(where)} has an empty list item; ${FIELD_SHAPE}.`;
    const [, range, stepText] = match;
    const step = stepText === undefined ? 1 : /^\d+$/.test(stepText) ? Number(stepText) : Number.NaN;
    if (!(step >= 1))
      return `${capitalize(where)} has step "${stepText}"; a step is a whole number of at least 1.`;
    let from: number | undefined;
    let to: number | undefined;
    if (range === '*' || range === '?') {
      from = spec.min;
      to = spec.label === 'day-of-week' ? 6 : spec.max;
    } else {
      const bounds = range.split('-');
      if (bounds.length > 2) return `${capitalize(where)} is not a range like 1-5; ${FIELD_SHAPE}.`;
      from = fieldValue(bounds[0], spec);
      to = bounds.length === 2 ? fieldValue(bounds[1], spec) : stepText === undefined ? from : spec.max;
      if (from === undefined || to === undefined) {
        const special = bounds.some((b) => SPECIAL_TOKEN.test(b));
        return special
          ? `${capitalize(where)} uses L, W or #, which Trainyard schedules do not support; ${FIELD_SHAPE}.`
          : `${capitalize(where)} is not understood; ${FIELD_SHAPE}.`;
      }
      for (const v of [from, to]) {
        if (v < spec.min || v > spec.max) {
          return `${capitalize(where)} is out of range; ${spec.label} values go from ${spec.min} to ${spec.max}.`;
        }
      }
      if (from > to) {
        return `${capitalize(where)} runs backwards; write ranges low to high (e.g. ${to}-${from}) or as a list.`;
      }
    }
    for (let v = from; v <= to; v += step) values.add(spec.label === 'day-of-week' && v === 7 ? 0 : v);
  }
  return { values, restricted: !(text === '*' || text === '?') };
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Parsed expressions by text: stored schedules share a handful of expressions, parsed once each. */
const parsedCache = new Map<string, CronParseResult>();
const PARSED_CACHED = 10_000;

/**
 * Expands a cron expression into its fields, or says in one sentence what is wrong with a
 * field. Fast and memoized, for restoring stored schedules; new input goes through checkCron.
 */
export function parseCron(expression: string): CronParseResult {
  let result = parsedCache.get(expression);
  if (!result) {
    result = parseFields(expression);
    if (parsedCache.size >= PARSED_CACHED) parsedCache.clear();
    parsedCache.set(expression, result);
  }
  return result;
}

/**
 * Checks new input: our own field checks (one sentence naming the field; L, W and # refused
 * since our fire-time math does not implement them), then node-cron's verdict, which also
 * catches impossible dates such as 30 February.
 */
export function checkCron(expression: string): CronParseResult {
  const result = parseCron(expression);
  if (!result.ok) return result;
  const verdict = validateDetailed(expandNickname(expression));
  if (verdict.valid) return result;
  const first = verdict.errors[0];
  return {
    ok: false,
    error: `The cron expression "${expression.trim()}" is not valid: ${first?.message ?? 'node-cron rejects it'}.`,
  };
}

function parseFields(expression: string): CronParseResult {
  const expanded = expandNickname(expression);
  const texts = expanded === '' ? [] : expanded.split(' ');
  if (texts.length !== 5 && texts.length !== 6) {
    return {
      ok: false,
      error: `A cron expression has 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first, but "${expression.trim()}" has ${texts.length}.`,
    };
  }
  const specs = texts.length === 6 ? [SECOND, ...FIVE_FIELDS] : FIVE_FIELDS;
  const parsed: { values: Set<number>; restricted: boolean }[] = [];
  for (let i = 0; i < texts.length; i++) {
    const field = parseField(texts[i], specs[i]);
    if (typeof field === 'string') return { ok: false, error: field };
    parsed.push(field);
  }
  const [sec, min, hour, dom, month, dow] =
    texts.length === 6 ? parsed : [{ values: new Set([0]), restricted: true }, ...parsed];
  const ascending = (s: Set<number>) => [...s].sort((a, b) => a - b);
  return {
    ok: true,
    fields: {
      seconds: ascending(sec.values),
      minutes: ascending(min.values),
      hours: ascending(hour.values),
      daysOfMonth: dom.values,
      months: month.values,
      daysOfWeek: dow.values,
      daysOfMonthRestricted: dom.restricted,
      daysOfWeekRestricted: dow.restricted,
      hasSeconds: texts.length === 6,
    },
  };
}

/** True for six-field expressions, whose times are worth showing to the second. */
export function cronHasSeconds(expression: string): boolean {
  const parsed = parseCron(expression);
  return parsed.ok && parsed.fields.hasSeconds;
}

/** One sentence saying what is wrong with the expression, or undefined if it is fine. */
export function validateCron(expression: string): string | undefined {
  const result = checkCron(expression);
  return result.ok ? undefined : result.error;
}

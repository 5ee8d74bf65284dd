import { didYouMean } from '../command/suggest.ts';
import { showInput } from '../command/tokenize.ts';
import type { ParamValue } from '../run/run.ts';
import { coerceParamValue, describeAllowed, fitsParam } from '../template/param-value.ts';
import type { ParamDef } from '../template/template.ts';
import { formatCount } from './format.ts';
import { parseSpace, SPACE_USAGE, type SpaceFunction } from './parse-space.ts';
import { rangeValue, roundTo, type SearchSpace } from './space.ts';

/** A param value of a sweep command: a search space, a fixed value, or why it cannot be used. */
export type CheckedValue =
  | { ok: true; kind: 'space'; space: SearchSpace }
  | { ok: true; kind: 'fixed'; value: ParamValue }
  | { ok: false; error: string };

/** A range may be sampled by index (random, TPE) however long it is, but its count must stay exact. */
export const MAX_RANGE_VALUES = 1_000_000_000;

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Reads one `name=value` of a sweep command against the template's param: a space must be of a
 * kind the param's type allows, well formed, and every value it can produce must fit the param
 * (type and bounds), so nothing a sampler draws is refused later. Errors are one sentence.
 */
export function checkParamValue(def: ParamDef, raw: string): CheckedValue {
  const syntax = parseSpace(raw);
  const shown = showInput(`${def.name}=${raw}`);
  switch (syntax.kind) {
    case 'fixed':
      return checkFixed(def, raw);
    case 'malformed':
      return refuse(`${shown} ${syntax.problem}.`);
    case 'list':
      return checkList(def, syntax.items, shown);
    case 'call':
      return checkCall(def, syntax.fn, syntax.args, shown);
  }
}

const refuse = (error: string): CheckedValue => ({ ok: false, error });

function checkFixed(def: ParamDef, raw: string): CheckedValue {
  const value = coerceParamValue(def, raw);
  if (value !== undefined && fitsParam(def, value)) return { ok: true, kind: 'fixed', value };
  // A value that looks like a call (`normal(0,1)`) was probably meant as a space.
  const spaces = /^\s*[A-Za-z]+\s*\(/.test(raw)
    ? `; the search spaces are ${Object.values(SPACE_USAGE).join(', ')}`
    : '';
  const suggestion = def.type === 'enum' ? didYouMean(raw, def.values ?? []) : '';
  return refuse(`${def.name} must be ${describeAllowed(def)}, not ${showInput(raw)}${spaces}.${suggestion}`);
}

function checkList(def: ParamDef, items: string[], shown: string): CheckedValue {
  const values: ParamValue[] = [];
  for (const item of items) {
    const value = coerceParamValue(def, item);
    if (value === undefined || !fitsParam(def, value)) {
      return refuse(`${shown} includes ${showInput(item)}, but ${def.name} must be ${describeAllowed(def)}.`);
    }
    if (values.includes(value)) {
      return refuse(`${shown} lists ${showInput(String(value))} twice; list each value once.`);
    }
    values.push(value);
  }
  return { ok: true, kind: 'space', space: { kind: 'list', values } };
}

const TYPE_WORDS: Record<ParamDef['type'], string> = {
  int: 'a whole-number',
  float: 'a number',
  bool: 'a true/false',
  enum: 'an enum',
  string: 'a text',
};

function listExample(def: ParamDef): string {
  if (def.type === 'bool') return '[true,false]';
  if (def.type === 'enum') return `[${(def.values ?? []).slice(0, 3).join(',')}]`;
  return '[a,b]';
}

function checkCall(def: ParamDef, fn: SpaceFunction, args: string[], shown: string): CheckedValue {
  if (def.type !== 'int' && def.type !== 'float') {
    return refuse(
      `${def.name} is ${TYPE_WORDS[def.type]} param, so ${fn}(…) cannot search it; give it a list instead, e.g. ${def.name}=${listExample(def)}.`,
    );
  }
  if ((fn === 'uniform' || fn === 'loguniform') && def.type === 'int') {
    return refuse(
      `${shown} draws fractions, but ${def.name} takes whole numbers; use randint(lo,hi) or range(start,stop,step).`,
    );
  }
  if (fn === 'randint' && def.type === 'float') {
    return refuse(
      `${shown} draws only whole numbers, but ${def.name} takes any number; use uniform(lo,hi) or loguniform(lo,hi).`,
    );
  }
  const whole = def.type === 'int';
  const numbers: number[] = [];
  for (const arg of args) {
    const n = Number(arg);
    if (!NUMBER.test(arg) || !Number.isFinite(n) || (whole && !Number.isSafeInteger(n))) {
      const kind = whole ? `whole numbers for ${def.name}` : 'numbers';
      return refuse(`${shown} needs ${kind}, not ${showInput(arg)}; write ${SPACE_USAGE[fn]}.`);
    }
    numbers.push(n);
  }
  const space = buildSpace(fn, numbers, args, shown);
  if ('error' in space) return refuse(space.error);
  return checkBounds(def, space, shown);
}

type NumericSpace = Exclude<SearchSpace, { kind: 'list' }>;

function buildSpace(
  fn: SpaceFunction,
  [a, b, c = 1]: number[],
  args: string[],
  shown: string,
): NumericSpace | { error: string } {
  switch (fn) {
    case 'range':
      return buildRange(a, b, c, args, shown);
    case 'uniform':
      if (!(a < b)) return { error: `${shown} needs lo below hi, e.g. uniform(0.001,0.1).` };
      return { kind: 'uniform', lo: a, hi: b };
    case 'loguniform':
      if (!(a > 0)) {
        return {
          error: `${shown} needs lo above 0, since a log scale never reaches 0; e.g. loguniform(0.0001,0.1).`,
        };
      }
      if (!(a < b)) return { error: `${shown} needs lo below hi, e.g. loguniform(0.0001,0.1).` };
      return { kind: 'loguniform', lo: a, hi: b };
    case 'randint':
      if (a > b) return { error: `${shown} needs lo at most hi, e.g. randint(1,10).` };
      return { kind: 'randint', lo: a, hi: b };
  }
}

function buildRange(
  start: number,
  stop: number,
  step: number,
  args: string[],
  shown: string,
): NumericSpace | { error: string } {
  if (!(step > 0)) return { error: `${shown} needs a step above 0, e.g. range(1,10,1).` };
  if (start > stop) {
    return {
      error: `${shown} runs backwards (start ${start} is above stop ${stop}); write range(start,stop,step) with start at most stop.`,
    };
  }
  const span = (stop - start) / step;
  if (!(span < MAX_RANGE_VALUES)) {
    return {
      error: `${shown} has more than ${formatCount(MAX_RANGE_VALUES)} values; use a larger step, or uniform(lo,hi) for a continuous space.`,
    };
  }
  // Round to the decimals the user wrote, so range(0.1,0.5,0.1) gives 0.3 and includes 0.5.
  const decimals = Math.max(decimalsOf(args[0]), args.length > 2 ? decimalsOf(args[2]) : 0);
  const at = (i: number) => roundTo(start + i * step, decimals);
  let count = Math.floor(span) + 1;
  // `span` may be a hair under or over a whole number (0.3/0.1 = 2.9999999999999996).
  while (at(count) <= stop) count++;
  while (count > 1 && at(count - 1) > stop) count--;
  return { kind: 'range', start, stop, step, count, decimals };
}

/** Digits after the point that a number written as text needs: `0.25` → 2, `1e-4` → 4, `2.5e-3` → 4. */
export function decimalsOf(text: string): number {
  const match = /^[+-]?\d*(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!match) return 0;
  return Math.max(0, (match[1]?.length ?? 0) - Number(match[2] ?? 0));
}

/** Every value of a space fits the param when its ends do: bounds are intervals and spaces are monotonic. */
function checkBounds(def: ParamDef, space: NumericSpace, shown: string): CheckedValue {
  const [first, last] =
    space.kind === 'range' ? [space.start, rangeValue(space, space.count - 1)] : [space.lo, space.hi];
  for (const [value, verb] of [
    [first, space.kind === 'range' ? 'starts at' : 'can give'],
    [last, space.kind === 'range' ? 'reaches' : 'can give'],
  ] as const) {
    if (!fitsParam(def, value)) {
      return refuse(`${shown} ${verb} ${value}, but ${def.name} must be ${describeAllowed(def)}.`);
    }
  }
  return { ok: true, kind: 'space', space };
}

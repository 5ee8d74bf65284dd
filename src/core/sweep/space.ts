import type { ParamValue } from '../run/run.ts';

/**
 * The search space of one param, as a sweep definition stores it (plain JSON). Values are
 * already typed and checked against the template's param, so samplers never produce a value
 * the param refuses.
 */
export type SearchSpace =
  /** `[a,b,c]`: exactly these values, in this order. */
  | { kind: 'list'; values: ParamValue[] }
  /**
   * `range(start,stop,step)`: start, start+step, … up to stop (included when hit). `count` and
   * `decimals` are fixed when the space is read, so every reader computes the same values.
   */
  | { kind: 'range'; start: number; stop: number; step: number; count: number; decimals: number }
  /** `uniform(lo,hi)`: any number from lo to hi. */
  | { kind: 'uniform'; lo: number; hi: number }
  /** `loguniform(lo,hi)`: any number from lo to hi, spread evenly on a log scale (lo > 0). */
  | { kind: 'loguniform'; lo: number; hi: number }
  /** `randint(lo,hi)`: any whole number from lo to hi, both included. */
  | { kind: 'randint'; lo: number; hi: number };

/** One param searched by a sweep. An array of these keeps the order the command gave them in. */
export interface ParamSpace {
  param: string;
  space: SearchSpace;
}

/** The i-th value (0-based) of a range, rounded to the decimals its start and step were written with. */
export function rangeValue(space: Extract<SearchSpace, { kind: 'range' }>, i: number): number {
  // start + i*step, not repeated addition: 0.1 added ten times is not 1, but 0 + 10*0.1 rounds to it.
  return roundTo(space.start + i * space.step, space.decimals);
}

/** `x` rounded to `decimals` places (0–100), so 0.1+0.2 reads back as 0.3. */
export function roundTo(x: number, decimals: number): number {
  return Number(x.toFixed(Math.min(100, Math.max(0, decimals))));
}

/** How many values a list or range holds; undefined for the continuous and sampled spaces. */
export function countValues(space: SearchSpace): number | undefined {
  switch (space.kind) {
    case 'list':
      return space.values.length;
    case 'range':
      return space.count;
    default:
      return undefined;
  }
}

/** The i-th value (0-based) of a list or range. */
export function valueAt(space: Extract<SearchSpace, { kind: 'list' | 'range' }>, i: number): ParamValue {
  return space.kind === 'list' ? space.values[i] : rangeValue(space, i);
}

/** True when `value` is one the space can produce; what the sampler property tests check. */
export function spaceContains(space: SearchSpace, value: ParamValue): boolean {
  switch (space.kind) {
    case 'list':
      return space.values.includes(value);
    case 'range': {
      if (typeof value !== 'number') return false;
      const i = Math.round((value - space.start) / space.step);
      return i >= 0 && i < space.count && rangeValue(space, i) === value;
    }
    case 'uniform':
    case 'loguniform':
      return typeof value === 'number' && value >= space.lo && value <= space.hi;
    case 'randint':
      return Number.isInteger(value) && (value as number) >= space.lo && (value as number) <= space.hi;
  }
}

/** The space as a person would write it: `[0.01,0.1]`, `range(1,10,1)`, `loguniform(0.0001,0.1)`. */
export function describeSpace(space: SearchSpace): string {
  switch (space.kind) {
    case 'list':
      return `[${space.values.map(String).join(',')}]`;
    case 'range':
      return `range(${space.start},${space.stop},${space.step})`;
    default:
      return `${space.kind}(${space.lo},${space.hi})`;
  }
}

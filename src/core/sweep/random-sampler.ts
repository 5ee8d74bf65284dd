import type { Params, ParamValue } from '../run/run.ts';
import type { Random } from './random.ts';
import { type ParamSpace, rangeValue, type SearchSpace } from './space.ts';

/** One value drawn uniformly from a space (on a log scale for loguniform). */
export function sampleUniform(space: SearchSpace, random: Random): ParamValue {
  switch (space.kind) {
    case 'list':
      return space.values[random.below(space.values.length)];
    case 'range':
      return rangeValue(space, random.below(space.count));
    case 'randint':
      return space.lo + random.below(space.hi - space.lo + 1);
    case 'uniform':
      return tidyFloat(space.lo + random.next() * (space.hi - space.lo), space.lo, space.hi);
    case 'loguniform': {
      const [lo, hi] = [Math.log(space.lo), Math.log(space.hi)];
      return tidyFloat(Math.exp(lo + random.next() * (hi - lo)), space.lo, space.hi);
    }
  }
}

/** Values for every space, drawn in the order of the spaces (so the draws are reproducible). */
export function sampleRandomParams(spaces: readonly ParamSpace[], random: Random): Params {
  const params: Params = {};
  for (const { param, space } of spaces) params[param] = sampleUniform(space, random);
  return params;
}

/**
 * A drawn float made readable: 6 significant digits (`0.00316228`, not `0.0031622776601683794`),
 * which is finer than any learning rate needs and reads well in a card, a Job's args and a rerun.
 * Clamped so the rounding never leaves the space.
 */
export function tidyFloat(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Number(x.toPrecision(6))));
}

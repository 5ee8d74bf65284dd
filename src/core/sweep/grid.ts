import type { Params } from '../run/run.ts';
import { type ParamSpace, type SearchSpace, valueAt } from './space.ts';

/**
 * The grid of a sweep as a mixed-radix number: point i (0-based) takes digit k of i in base
 * count(space k), the last space varying fastest, like nested loops in the order the command
 * gave the params. Trial n runs point n−1, so every point runs exactly once and none is skipped.
 */

/** How many combinations the spaces make. */
export function gridSize(spaces: readonly ParamSpace[]): number {
  return spaces.reduce((size, { space }) => size * countOf(enumerable(space)), 1);
}

/** The values of grid point `i` (0-based, below gridSize). */
export function gridPoint(spaces: readonly ParamSpace[], i: number): Params {
  const point: Params = {};
  let rest = i;
  for (let k = spaces.length - 1; k >= 0; k--) {
    const space = enumerable(spaces[k].space);
    const count = countOf(space);
    point[spaces[k].param] = valueAt(space, rest % count);
    rest = Math.floor(rest / count);
  }
  // Keep the command's order of params, which the reversed walk above lost.
  return Object.fromEntries(spaces.map(({ param }) => [param, point[param]]));
}

type Enumerable = Extract<SearchSpace, { kind: 'list' | 'range' }>;

function enumerable(space: SearchSpace): Enumerable {
  // planSweep refuses grids over other spaces; reaching this is a bug, not bad input.
  if (space.kind !== 'list' && space.kind !== 'range') throw new Error(`a ${space.kind} space has no grid`);
  return space;
}

const countOf = (space: Enumerable): number => (space.kind === 'list' ? space.values.length : space.count);

import type { Params, ParamValue } from '../../run/run.ts';
import type { Random } from '../random.ts';
import { tidyFloat } from '../random-sampler.ts';
import { type ParamSpace, rangeValue, type SearchSpace } from '../space.ts';
import type { SweepGoal } from '../sweep.ts';
import { logPdfParzenEstimator } from './parzen-density.ts';
import { buildParzenEstimator, sampleParzenEstimator, type TpeDim } from './parzen-estimator.ts';

/**
 * The Tree-structured Parzen Estimator, following Optuna's default TPESampler
 * (optuna/samplers/_tpe/sampler.py): split the finished trials into a good few and the rest,
 * fit a Parzen estimator l(x) to the good and g(x) to the rest, draw candidates from l and keep
 * the one with the largest l(x)/g(x). Pure: the same trials and random stream give the same
 * suggestion.
 */

/** A trial TPE learns from. */
export interface FinishedTrial {
  index: number;
  params: Params;
  /** Its final value, or for a stopped trial its last value. */
  value: number;
  /** Set for a trial stopped before its end: the step it reached (it ranks after finished ones). */
  stoppedAtStep?: number;
}

/** Candidates drawn from l(x) per suggestion (Optuna's n_ei_candidates). */
export const TPE_CANDIDATES = 24;

/** How many of n finished trials count as good: Optuna's default_gamma. */
export function tpeGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/** Optuna's default_weights: older trials fade linearly once there are more than 25. */
export function tpeWeights(n: number): number[] {
  if (n < 25) return new Array(n).fill(1);
  const ramp = n - 25;
  const out: number[] = [];
  for (let i = 0; i < ramp; i++) out.push(ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1));
  return [...out, ...new Array(25).fill(1)];
}

interface Dim {
  param: string;
  space: SearchSpace;
  tpe: TpeDim;
}

/** The values TPE suggests for the spaces, given the finished trials so far. */
export function suggestTpe(
  spaces: readonly ParamSpace[],
  finished: readonly FinishedTrial[],
  goal: SweepGoal,
  random: Random,
): Params {
  const params: Params = {};
  const dims: Dim[] = [];
  for (const { param, space } of spaces) {
    const only = singleValue(space);
    if (only !== undefined) params[param] = only;
    else dims.push({ param, space, tpe: toTpeDim(space) });
  }
  if (dims.length === 0) return params;

  const observed = observeTrials(dims, finished);
  const { below, above } = splitTrials(observed.trials, goal);
  const tpeDims = dims.map((d) => d.tpe);
  const estimator = (rows: Int32Array) =>
    buildParzenEstimator(
      tpeDims,
      observed.columns.map((column) => gather(column, rows)),
      tpeWeights(rows.length),
    );
  const good = estimator(below);
  const bad = estimator(above);

  const candidates = sampleParzenEstimator(good, random, TPE_CANDIDATES);
  const logL = logPdfParzenEstimator(good, candidates);
  const logG = logPdfParzenEstimator(bad, candidates);
  let best = 0;
  for (let c = 1; c < candidates.length; c++) {
    if (logL[c] - logG[c] > logL[best] - logG[best]) best = c;
  }
  dims.forEach((dim, d) => {
    params[dim.param] = toExternal(dim.space, candidates[best][d]);
  });
  return Object.fromEntries(spaces.map(({ param }) => [param, params[param]]));
}

/**
 * Optuna's split for one objective: the best gamma(n) finished trials are good; when fewer
 * trials finished than that, the stopped ones that got furthest (then by value) fill up. Returns
 * the positions of each group in `trials`, in trial order, which the weights depend on.
 */
function splitTrials(
  trials: readonly FinishedTrial[],
  goal: SweepGoal,
): { below: Int32Array; above: Int32Array } {
  const sign = goal === 'min' ? 1 : -1;
  const byValue = (a: number, b: number) =>
    sign * (trials[a].value - trials[b].value) || trials[a].index - trials[b].index;
  const byProgress = (a: number, b: number) =>
    (trials[b].stoppedAtStep ?? 0) - (trials[a].stoppedAtStep ?? 0) || byValue(a, b);
  const complete: number[] = [];
  const stopped: number[] = [];
  for (let i = 0; i < trials.length; i++) {
    (trials[i].stoppedAtStep === undefined ? complete : stopped).push(i);
  }
  let quota = tpeGamma(trials.length);
  const best = smallest(complete, Math.min(quota, complete.length), byValue);
  quota -= best.length;
  best.push(...smallest(stopped, Math.min(quota, stopped.length), byProgress));
  const isGood = new Uint8Array(trials.length);
  for (const i of best) isGood[i] = 1;
  const below: number[] = [];
  const above: number[] = [];
  for (let i = 0; i < trials.length; i++) (isGood[i] ? below : above).push(i);
  // Finished trials come in index order; sort only when they do not.
  const byIndex = (a: number, b: number) => trials[a].index - trials[b].index;
  const inOrder = (xs: number[]) => xs.every((x, j) => j === 0 || byIndex(xs[j - 1], x) <= 0);
  return {
    below: Int32Array.from(inOrder(below) ? below : below.sort(byIndex)),
    above: Int32Array.from(inOrder(above) ? above : above.sort(byIndex)),
  };
}

/** The `count` first of `items` by `compare`, in that order: a partial sort, as count ≤ 25. */
function smallest(
  items: readonly number[],
  count: number,
  compare: (a: number, b: number) => number,
): number[] {
  const out: number[] = [];
  if (count === 0) return out;
  for (const item of items) {
    if (out.length === count && compare(item, out[count - 1]) >= 0) continue;
    let j = out.length < count ? out.length : count - 1;
    while (j > 0 && compare(item, out[j - 1]) < 0) {
      out[j] = out[j - 1];
      j--;
    }
    out[j] = item;
  }
  return out;
}

/** The values of `column` at `rows`. */
function gather(column: Float64Array, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = column[rows[k]];
  return out;
}

/** The one value of a space that can produce only one (TPE has nothing to learn there). */
function singleValue(space: SearchSpace): ParamValue | undefined {
  if (space.kind === 'randint' && space.lo === space.hi) return space.lo;
  if (space.kind === 'list' && space.values.length === 1) return space.values[0];
  if (space.kind === 'range' && space.count === 1) return space.start;
  return undefined;
}

function toTpeDim(space: SearchSpace): TpeDim {
  switch (space.kind) {
    case 'list':
      return { kind: 'categorical', choices: space.values.length };
    case 'range':
      return {
        kind: 'discrete',
        low: space.start,
        high: rangeValue(space, space.count - 1),
        step: space.step,
      };
    case 'randint':
      return { kind: 'discrete', low: space.lo, high: space.hi, step: 1 };
    case 'uniform':
      return { kind: 'continuous', low: space.lo, high: space.hi, log: false };
    case 'loguniform':
      return { kind: 'continuous', low: Math.log(space.lo), high: Math.log(space.hi), log: true };
  }
}

/**
 * The finished trials whose params all belong to their spaces, and per dim a column with each
 * one's value in TPE's representation (one pass, no row objects: a suggestion reads 1,000 trials).
 */
function observeTrials(
  dims: readonly Dim[],
  finished: readonly FinishedTrial[],
): { trials: FinishedTrial[]; columns: Float64Array[] } {
  const columns = dims.map(() => new Float64Array(finished.length));
  const trials: FinishedTrial[] = [];
  for (const trial of finished) {
    const m = trials.length;
    let d = 0;
    for (; d < dims.length; d++) {
      const x = internalValue(dims[d].space, trial.params[dims[d].param]);
      if (x === undefined) break;
      columns[d][m] = x;
    }
    if (d === dims.length) trials.push(trial);
  }
  return { trials, columns: columns.map((column) => column.subarray(0, trials.length)) };
}

/** A param's value in TPE's representation, or undefined when it does not belong to its space. */
function internalValue(space: SearchSpace, value: ParamValue | undefined): number | undefined {
  if (space.kind === 'list') {
    const i = space.values.indexOf(value as ParamValue);
    return i === -1 ? undefined : i;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  if (space.kind !== 'loguniform') return value;
  return value > 0 ? Math.log(value) : undefined;
}

function toExternal(space: SearchSpace, x: number): ParamValue {
  switch (space.kind) {
    case 'list':
      return space.values[Math.round(x)];
    case 'range': {
      const i = Math.min(space.count - 1, Math.max(0, Math.round((x - space.start) / space.step)));
      return rangeValue(space, i);
    }
    case 'randint':
      return Math.min(space.hi, Math.max(space.lo, Math.round(x)));
    case 'uniform':
      return tidyFloat(x, space.lo, space.hi);
    case 'loguniform':
      return tidyFloat(Math.exp(x), space.lo, space.hi);
  }
}

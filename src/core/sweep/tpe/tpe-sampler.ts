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

  const usable = finished.flatMap((trial) => {
    const row = toInternalRow(dims, trial.params);
    return row ? [{ trial, row }] : [];
  });
  const { below, above } = splitTrials(usable, goal);
  const tpeDims = dims.map((d) => d.tpe);
  const estimator = (group: typeof usable) =>
    buildParzenEstimator(
      tpeDims,
      group.map((u) => u.row),
      tpeWeights(group.length),
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
 * trials finished than that, the stopped ones that got furthest (then by value) fill up. Each
 * group is kept in trial order, which the weights depend on.
 */
function splitTrials<T extends { trial: FinishedTrial }>(
  usable: T[],
  goal: SweepGoal,
): { below: T[]; above: T[] } {
  const sign = goal === 'min' ? 1 : -1;
  const complete = usable.filter((u) => u.trial.stoppedAtStep === undefined);
  const stopped = usable.filter((u) => u.trial.stoppedAtStep !== undefined);
  complete.sort((a, b) => sign * (a.trial.value - b.trial.value) || a.trial.index - b.trial.index);
  stopped.sort(
    (a, b) =>
      (b.trial.stoppedAtStep ?? 0) - (a.trial.stoppedAtStep ?? 0) ||
      sign * (a.trial.value - b.trial.value) ||
      a.trial.index - b.trial.index,
  );
  let quota = tpeGamma(usable.length);
  const fromComplete = Math.min(quota, complete.length);
  quota -= fromComplete;
  const fromStopped = Math.min(quota, stopped.length);
  const below = [...complete.slice(0, fromComplete), ...stopped.slice(0, fromStopped)];
  const above = [...complete.slice(fromComplete), ...stopped.slice(fromStopped)];
  const byIndex = (a: T, b: T) => a.trial.index - b.trial.index;
  return { below: below.sort(byIndex), above: above.sort(byIndex) };
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

/** A trial's params in TPE's representation, or undefined when one does not belong to its space. */
function toInternalRow(dims: readonly Dim[], params: Params): Float64Array | undefined {
  const row = new Float64Array(dims.length);
  for (let d = 0; d < dims.length; d++) {
    const { param, space } = dims[d];
    const value = params[param];
    if (space.kind === 'list') {
      const i = space.values.indexOf(value);
      if (i === -1) return undefined;
      row[d] = i;
    } else {
      if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
      if (space.kind === 'loguniform' && !(value > 0)) return undefined;
      row[d] = space.kind === 'loguniform' ? Math.log(value) : value;
    }
  }
  return row;
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

import type { Random } from '../random.ts';
import { logGaussMass, truncatedNormalQuantile } from './normal.ts';

/**
 * A Parzen estimator as Optuna's TPESampler builds it (optuna/samplers/_tpe/parzen_estimator.py):
 * a mixture with one kernel per observed trial plus one wide "prior" kernel, each kernel a
 * product over the searched params (multivariate, Optuna's default for one objective). Numeric
 * params get truncated normal kernels (on a log scale for loguniform, with bins of `step` for
 * whole numbers and ranges); lists get categorical kernels that favour the observed value.
 */

/** How TPE sees one searched param, in its internal representation. */
export type TpeDim =
  /** Any number in [low, high]; already log-transformed when `log`. */
  | { kind: 'continuous'; low: number; high: number; log: boolean }
  /** low, low+step, … high: the kernel's mass over each value's bin of width `step`. */
  | { kind: 'discrete'; low: number; high: number; step: number }
  /** One of `choices` values, by index. */
  | { kind: 'categorical'; choices: number };

/** Optuna's defaults (prior_weight, consider_magic_clip, consider_endpoints=False). */
const PRIOR_WEIGHT = 1.0;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
/** Beyond this many σ a normal tail is below 1e-17 (logGaussMass skips it too). */
const INSIDE = 8.5;

export interface NumericKernels {
  kind: 'numeric';
  dim: Extract<TpeDim, { kind: 'continuous' | 'discrete' }>;
  /** The interval kernels are truncated to (a discrete one widened by half a step each side). */
  low: number;
  high: number;
  mu: Float64Array;
  sigma: Float64Array;
  /** 1/σ and log σ per kernel, computed once: the density loops run once per kernel and candidate. */
  invSigma: Float64Array;
  logSigma: Float64Array;
  /** Per kernel: −log of its mass inside [low, high], plus −log σ − log √2π for densities. */
  logNorm: Float64Array;
}

export interface CategoricalKernels {
  kind: 'categorical';
  choices: number;
  /** Row k: the probabilities of kernel k over the choices. */
  p: Float64Array;
  logP: Float64Array;
}

export interface ParzenEstimator {
  weights: Float64Array;
  logWeights: Float64Array;
  dims: (NumericKernels | CategoricalKernels)[];
}

/**
 * Builds the estimator from observations (per dim, a column with the internal value of each
 * trial), weighted per trial; Optuna's default weights are given by `trialWeights`.
 */
export function buildParzenEstimator(
  dims: readonly TpeDim[],
  columns: readonly Float64Array[],
  trialWeights: readonly number[],
): ParzenEstimator {
  const n = trialWeights.length;
  const weights = new Float64Array(n + 1);
  let total = 0;
  for (let k = 0; k < n; k++) total += weights[k] = trialWeights[k];
  // The prior kernel; alone (weight 1) when nothing has been observed.
  total += weights[n] = n === 0 ? 1 : PRIOR_WEIGHT;
  const logWeights = new Float64Array(n + 1);
  for (let k = 0; k <= n; k++) {
    weights[k] /= total;
    logWeights[k] = Math.log(weights[k]);
  }
  return {
    weights,
    logWeights,
    dims: dims.map((dim, d) =>
      dim.kind === 'categorical'
        ? categoricalKernels(dim.choices, columns[d])
        : numericKernels(dim, columns[d]),
    ),
  };
}

function categoricalKernels(choices: number, observed: Float64Array): CategoricalKernels {
  const kernels = observed.length + 1;
  // Each observed kernel: a share of the prior weight spread evenly, plus 1 on its own choice.
  // Kernels that observed the same choice have the same row: computed once per choice.
  const base = observed.length === 0 ? 1 / choices : PRIOR_WEIGHT / kernels;
  const rowFor = (choice: number): Float64Array => {
    const row = new Float64Array(choices).fill(base);
    if (choice >= 0) row[choice] += 1;
    let sum = 0;
    for (let c = 0; c < choices; c++) sum += row[c];
    for (let c = 0; c < choices; c++) row[c] /= sum;
    return row;
  };
  const rows = Array.from({ length: choices }, (_, choice) => rowFor(choice));
  const logRows = rows.map((row) => row.map(Math.log));
  const prior = rowFor(-1);
  const p = new Float64Array(kernels * choices);
  const logP = new Float64Array(kernels * choices);
  for (let k = 0; k < observed.length; k++) {
    p.set(rows[observed[k]], k * choices);
    logP.set(logRows[observed[k]], k * choices);
  }
  p.set(prior, observed.length * choices);
  logP.set(prior.map(Math.log), observed.length * choices);
  return { kind: 'categorical', choices, p, logP };
}

/**
 * Truncated normal kernels at the observations plus the prior kernel, with Optuna's bandwidths:
 * each kernel as wide as the larger gap to its sorted neighbours (the interval's ends count as
 * neighbours, except for the outermost kernels once there are two), clipped to
 * [(high−low)/min(100, 1+kernels), high−low] (the "magic clip"). Computed in sorted order, where
 * kernels of equal (μ, σ) — repeated whole numbers, most sharing the clipped σ — are neighbours
 * and share their normalisation (as Optuna's `_unique_inverse_2d` does).
 */
function numericKernels(
  dim: Extract<TpeDim, { kind: 'continuous' | 'discrete' }>,
  observed: Float64Array,
): NumericKernels {
  const half = dim.kind === 'discrete' ? dim.step / 2 : 0;
  const low = dim.low - half;
  const high = dim.high + half;
  const n = observed.length;
  const mu = new Float64Array(n + 1);
  const sigma = new Float64Array(n + 1);
  const invSigma = new Float64Array(n + 1);
  const logSigma = new Float64Array(n + 1);
  const logNorm = new Float64Array(n + 1);
  mu.set(observed);
  // The prior kernel: centred, as wide as the whole interval.
  mu[n] = 0.5 * (low + high);
  sigma[n] = high - low;
  // at[i + 1]: the i-th smallest observation, between the interval's ends at[0] and at[n + 1].
  const at = new Float64Array(n + 2);
  const order = stableOrder(observed, at.subarray(1, n + 1));
  at[0] = low;
  at[n + 1] = high;
  const maxSigma = high - low;
  const minSigma = (high - low) / Math.min(100, 1 + (n + 1));
  let previous = -1;
  for (let i = 0; i <= n; i++) {
    // Position n is the prior kernel, after the observations.
    const k = i < n ? order[i] : n;
    if (i < n) {
      let width = Math.max(at[i + 1] - at[i], at[i + 2] - at[i + 1]);
      // consider_endpoints=False: the outermost kernels look only inwards once there are two.
      if (n >= 2 && i === 0) width = at[2] - at[1];
      if (n >= 2 && i === n - 1) width = at[n] - at[n - 1];
      sigma[k] = Math.min(maxSigma, Math.max(minSigma, width));
    }
    const same = previous >= 0 && sigma[previous] === sigma[k];
    invSigma[k] = same ? invSigma[previous] : 1 / sigma[k];
    logSigma[k] = same ? logSigma[previous] : Math.log(sigma[k]);
    if (same && mu[previous] === mu[k]) {
      logNorm[k] = logNorm[previous];
    } else {
      const a = (low - mu[k]) * invSigma[k];
      const b = (high - mu[k]) * invSigma[k];
      // Most kernels lie deep inside the interval: their mass there is 1 (logGaussMass says 0).
      const mass = a <= -INSIDE && b >= INSIDE ? 0 : logGaussMass(a, b);
      logNorm[k] = dim.kind === 'continuous' ? -mass - logSigma[k] - LOG_SQRT_2PI : -mass;
    }
    previous = k;
  }
  return { kind: 'numeric', dim, low, high, mu, sigma, invSigma, logSigma, logNorm };
}

/**
 * The indexes of `values` in ascending order of value, ties in index order (a stable argsort),
 * with the sorted values left in `keys`:
 * a quicksort of (value, index) pairs in two typed arrays. A comparator sort of an index array,
 * or a native sort of the values followed by a binary search for each, cost several times more,
 * and this sort runs once per numeric param and estimator in every suggestion.
 */
function stableOrder(values: Float64Array, keys: Float64Array): Int32Array {
  keys.set(values);
  const order = new Int32Array(values.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  sortPairs(keys, order, 0, order.length - 1);
  return order;
}

/** Sorts keys[lo..hi] ascending, ties by index, moving each index with its key. */
function sortPairs(keys: Float64Array, order: Int32Array, lo: number, hi: number): void {
  while (hi - lo > 16) {
    const mid = (lo + hi) >>> 1;
    const pivotKey = keys[mid];
    const pivotIndex = order[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (keys[i] < pivotKey || (keys[i] === pivotKey && order[i] < pivotIndex)) i++;
      while (keys[j] > pivotKey || (keys[j] === pivotKey && order[j] > pivotIndex)) j--;
      if (i <= j) {
        swap(keys, order, i, j);
        i++;
        j--;
      }
    }
    // Recurse into the smaller side, loop on the larger: the stack stays O(log n).
    if (j - lo < hi - i) {
      sortPairs(keys, order, lo, j);
      lo = i;
    } else {
      sortPairs(keys, order, i, hi);
      hi = j;
    }
  }
  for (let i = lo + 1; i <= hi; i++) {
    const key = keys[i];
    const index = order[i];
    let j = i - 1;
    while (j >= lo && (keys[j] > key || (keys[j] === key && order[j] > index))) {
      keys[j + 1] = keys[j];
      order[j + 1] = order[j];
      j--;
    }
    keys[j + 1] = key;
    order[j + 1] = index;
  }
}

function swap(keys: Float64Array, order: Int32Array, i: number, j: number): void {
  const key = keys[i];
  keys[i] = keys[j];
  keys[j] = key;
  const index = order[i];
  order[i] = order[j];
  order[j] = index;
}

/** `count` draws from the mixture: pick a kernel by weight, then a value from each of its dims. */
export function sampleParzenEstimator(est: ParzenEstimator, random: Random, count: number): Float64Array[] {
  const out: Float64Array[] = [];
  for (let c = 0; c < count; c++) {
    const k = pickIndex(est.weights, random.next());
    const row = new Float64Array(est.dims.length);
    est.dims.forEach((dim, d) => {
      if (dim.kind === 'categorical') {
        row[d] = pickIndex(dim.p.subarray(k * dim.choices, (k + 1) * dim.choices), random.next());
        return;
      }
      const { mu, sigma, low, high } = dim;
      const z = truncatedNormalQuantile(random.next(), (low - mu[k]) / sigma[k], (high - mu[k]) / sigma[k]);
      let x = mu[k] + sigma[k] * z;
      if (dim.dim.kind === 'discrete') {
        // Onto the grid of values, as Optuna does for stepped distributions.
        const { low: first, high: last, step } = dim.dim;
        x = Math.min(last, Math.max(first, first + Math.round((x - first) / step) * step));
      } else {
        x = Math.min(high, Math.max(low, x));
      }
      row[d] = x;
    });
    out.push(row);
  }
  return out;
}

/** The index whose cumulative probability first exceeds u (the last one if rounding leaves a gap). */
function pickIndex(p: ArrayLike<number>, u: number): number {
  let cumulative = 0;
  for (let i = 0; i < p.length; i++) {
    cumulative += p[i];
    if (u < cumulative) return i;
  }
  return p.length - 1;
}

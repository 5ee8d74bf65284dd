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
  /**
   * Discrete dims: kernels with the same (μ, σ), computed once per group (as Optuna's
   * `_unique_inverse_2d`): observations of a whole number repeat, and most share the clipped σ.
   */
  groups?: { of: Int32Array; first: Int32Array };
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
 * Builds the estimator from observations (one row per trial: the internal value of each dim),
 * weighted per trial; Optuna's default weights are given by `trialWeights`.
 */
export function buildParzenEstimator(
  dims: readonly TpeDim[],
  observations: readonly Float64Array[],
  trialWeights: readonly number[],
): ParzenEstimator {
  const n = observations.length;
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
    dims: dims.map((dim, d) => {
      const column = new Float64Array(n);
      for (let k = 0; k < n; k++) column[k] = observations[k][d];
      return dim.kind === 'categorical'
        ? categoricalKernels(dim.choices, column)
        : numericKernels(dim, column);
    }),
  };
}

function categoricalKernels(choices: number, observed: Float64Array): CategoricalKernels {
  const kernels = observed.length + 1;
  const p = new Float64Array(kernels * choices);
  // Each observed kernel: a share of the prior weight spread evenly, plus 1 on its own choice.
  const base = observed.length === 0 ? 1 / choices : PRIOR_WEIGHT / kernels;
  p.fill(base);
  for (let k = 0; k < observed.length; k++) p[k * choices + observed[k]] += 1;
  for (let k = 0; k < kernels; k++) {
    let sum = 0;
    for (let c = 0; c < choices; c++) sum += p[k * choices + c];
    for (let c = 0; c < choices; c++) p[k * choices + c] /= sum;
  }
  return { kind: 'categorical', choices, p, logP: p.map(Math.log) };
}

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
  mu.set(observed);
  sigma.set(bandwidths(observed, low, high));
  // The prior kernel: centred, as wide as the whole interval.
  mu[n] = 0.5 * (low + high);
  sigma[n] = high - low;
  const logNorm = new Float64Array(n + 1);
  const invSigma = new Float64Array(n + 1);
  const logSigma = new Float64Array(n + 1);
  const groups = dim.kind === 'discrete' ? groupKernels(mu, sigma) : undefined;
  for (let k = 0; k <= n; k++) {
    invSigma[k] = 1 / sigma[k];
    logSigma[k] = Math.log(sigma[k]);
    const first = groups ? groups.first[groups.of[k]] : k;
    const mass =
      first < k ? -logNorm[first] : logGaussMass((low - mu[k]) * invSigma[k], (high - mu[k]) * invSigma[k]);
    logNorm[k] = dim.kind === 'continuous' ? -mass - logSigma[k] - LOG_SQRT_2PI : -mass;
  }
  return { kind: 'numeric', dim, low, high, mu, sigma, invSigma, logSigma, logNorm, groups };
}

/** Kernels grouped by equal (μ, σ): the group of each, and the first kernel of each group. */
function groupKernels(mu: Float64Array, sigma: Float64Array): { of: Int32Array; first: Int32Array } {
  const index = new Map<number, Map<number, number>>();
  const of = new Int32Array(mu.length);
  const first: number[] = [];
  for (let k = 0; k < mu.length; k++) {
    let bySigma = index.get(mu[k]);
    if (!bySigma) {
      bySigma = new Map();
      index.set(mu[k], bySigma);
    }
    let g = bySigma.get(sigma[k]);
    if (g === undefined) {
      g = first.length;
      first.push(k);
      bySigma.set(sigma[k], g);
    }
    of[k] = g;
  }
  return { of, first: Int32Array.from(first) };
}

/**
 * Optuna's bandwidths: each kernel as wide as the larger gap to its sorted neighbours (the
 * interval's ends count as neighbours, except for the outermost kernels once there are two),
 * clipped to [(high−low)/min(100, 1+kernels), high−low] (the "magic clip").
 */
function bandwidths(mus: Float64Array, low: number, high: number): Float64Array {
  const n = mus.length;
  const sigmas = new Float64Array(n);
  if (n === 0) return sigmas;
  const order = stableOrder(mus);
  const sorted = new Float64Array(n + 2);
  sorted[0] = low;
  for (let i = 0; i < n; i++) sorted[i + 1] = mus[order[i]];
  sorted[n + 1] = high;
  const maxSigma = high - low;
  const minSigma = (high - low) / Math.min(100, 1 + (n + 1));
  for (let i = 0; i < n; i++) {
    let sigma = Math.max(sorted[i + 1] - sorted[i], sorted[i + 2] - sorted[i + 1]);
    // consider_endpoints=False: the outermost kernels look only inwards once there are two.
    if (n >= 2 && i === 0) sigma = sorted[2] - sorted[1];
    if (n >= 2 && i === n - 1) sigma = sorted[n] - sorted[n - 1];
    sigmas[order[i]] = Math.min(maxSigma, Math.max(minSigma, sigma));
  }
  return sigmas;
}

/**
 * The indexes of `values` in ascending order of value, ties in index order (a stable argsort).
 * A native numeric sort plus binary searches: a comparator sort of 1,000 indexes per param was
 * the largest cost of a suggestion.
 */
function stableOrder(values: Float64Array): Int32Array {
  const n = values.length;
  const sorted = Float64Array.from(values).sort();
  const order = new Int32Array(n);
  // nextFree[p]: where the next value equal to sorted[p] goes (ties fill their run in index order).
  const nextFree = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    const p = nextFree[lo] === -1 ? lo : nextFree[lo];
    nextFree[lo] = p + 1;
    order[p] = i;
  }
  return order;
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

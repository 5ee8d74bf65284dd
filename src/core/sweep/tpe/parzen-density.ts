import { logGaussMass } from './normal.ts';
import type { CategoricalKernels, NumericKernels, ParzenEstimator } from './parzen-estimator.ts';

/**
 * The density side of the Parzen estimator: TPE compares l(x)/g(x) at each candidate, so this
 * runs once per kernel, dim and candidate and is where a suggestion spends its time.
 *
 * Most kernels are irrelevant at a given candidate: the estimator of the "bad" trials has ~1,000
 * kernels, each about a hundredth of its interval wide, and its density at a point is a sum in
 * which all but a few terms are below e^−50 of the largest. Each candidate's kernels are summed
 * dim by dim, and a kernel is dropped as soon as even its best case over the remaining dims
 * (each dim's density at its own centre) stays 50 nats below one term known to be in the sum
 * (the wide prior kernel's, computed first). The dropped terms together are below 1e-19 of the
 * result, so it matches the full sum to the last digit or so while computing a fraction of it.
 */

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const PRUNE_MARGIN = 50;

type DimKernels = NumericKernels | CategoricalKernels;

/** log of the mixture's density (mass, for discrete dims) at each point. */
export function logPdfParzenEstimator(est: ParzenEstimator, points: readonly Float64Array[]): Float64Array {
  const kernels = est.weights.length;
  const prior = kernels - 1;
  const rest = remainingBounds(est);
  const acc = new Float64Array(kernels);
  const active = new Int32Array(kernels);
  const out = new Float64Array(points.length);
  // With nothing searched every point has the whole mass (log 1); suggestTpe never asks.
  if (est.dims.length === 0) return out;
  for (let c = 0; c < points.length; c++) {
    const x = points[c];
    let known = est.logWeights[prior];
    for (let d = 0; d < est.dims.length; d++) known += kernelLogDensity(est.dims[d], prior, x[d]);
    const cutoff = known - PRUNE_MARGIN;
    // The first dim visits every kernel; the later ones only those still in the running.
    let count = firstDim(est, x[0], rest[0], cutoff, acc, active);
    for (let d = 1; d < est.dims.length; d++) {
      const dim = est.dims[d];
      const bound = rest[d];
      let kept = 0;
      for (let i = 0; i < count; i++) {
        const k = active[i];
        const value = acc[k] + kernelLogDensity(dim, k, x[d]);
        acc[k] = value;
        if (value + bound[k] >= cutoff) active[kept++] = k;
      }
      count = kept;
    }
    out[c] = logSumExp(acc, active, count);
  }
  return out;
}

/**
 * The first dim's pass over every kernel, from their weights: the hottest loop of a suggestion,
 * written out for a continuous dim (the same sums as kernelLogDensity). Returns how many kernels
 * stay in the running, listed in `active`.
 */
function firstDim(
  est: ParzenEstimator,
  x: number,
  bound: Float64Array,
  cutoff: number,
  acc: Float64Array,
  active: Int32Array,
): number {
  const dim = est.dims[0];
  const { logWeights } = est;
  let count = 0;
  if (dim.kind === 'numeric' && dim.dim.kind === 'continuous') {
    const { mu, invSigma, logNorm } = dim;
    for (let k = 0; k < logWeights.length; k++) {
      const z = (x - mu[k]) * invSigma[k];
      const value = logWeights[k] + (-0.5 * z * z + logNorm[k]);
      acc[k] = value;
      if (value + bound[k] >= cutoff) active[count++] = k;
    }
    return count;
  }
  for (let k = 0; k < logWeights.length; k++) {
    const value = logWeights[k] + kernelLogDensity(dim, k, x);
    acc[k] = value;
    if (value + bound[k] >= cutoff) active[count++] = k;
  }
  return count;
}

/** Kernel k's log density (log mass, for discrete dims) at x in one dim. */
function kernelLogDensity(dim: DimKernels, k: number, x: number): number {
  if (dim.kind === 'categorical') return dim.logP[k * dim.choices + x];
  if (dim.dim.kind === 'discrete') return discreteLogMass(dim, k, x, dim.dim.step);
  const z = (x - dim.mu[k]) * dim.invSigma[k];
  return -0.5 * z * z + dim.logNorm[k];
}

/**
 * Per dim d, per kernel: the most the dims after d can still add to its log density, each at
 * its best (a numeric kernel at its centre, a categorical one at its likeliest choice).
 */
function remainingBounds(est: ParzenEstimator): Float64Array[] {
  const kernels = est.weights.length;
  const rest = est.dims.map(() => new Float64Array(kernels));
  for (let d = est.dims.length - 2; d >= 0; d--) {
    const next = est.dims[d + 1];
    for (let k = 0; k < kernels; k++) rest[d][k] = rest[d + 1][k] + maxLogDensity(next, k);
  }
  return rest;
}

function maxLogDensity(dim: DimKernels, k: number): number {
  if (dim.kind === 'categorical') {
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < dim.choices; c++) max = Math.max(max, dim.logP[k * dim.choices + c]);
    return max;
  }
  if (dim.dim.kind === 'continuous') return dim.logNorm[k];
  // A bin's mass is at most 1 and at most its width times the peak density 1/√(2π).
  const width = dim.dim.step * dim.invSigma[k];
  return Math.min(0, Math.log(width) - LOG_SQRT_2PI) + dim.logNorm[k];
}

/** Kernel k's log mass over the bin of `x` (width `step`), normalised to the kernel's interval. */
function discreteLogMass(dim: NumericKernels, k: number, x: number, step: number): number {
  const width = step * dim.invSigma[k];
  const z = (x - dim.mu[k]) * dim.invSigma[k];
  const bin =
    width < 0.2
      ? logNarrowBinMass(z, width, Math.log(step) - dim.logSigma[k])
      : logGaussMass(z - width / 2, z + width / 2);
  return bin + dim.logNorm[k];
}

/**
 * log of the standard normal mass over [z − w/2, z + w/2] for a narrow bin (w < 0.2), without
 * two tail functions: φ(z + t) = φ(z)·e^(−zt)·e^(−t²/2), and ∫e^(−zt) over the bin is
 * w·sinh(a)/a with a = |z|·w/2; e^(−t²/2) stays within 0.5 % of its mean e^(−w²/24) there.
 * log(sinh(a)/a) is a short even series up to a = 2 (error < 1e-3) and a − log 2a beyond (where
 * the kernel is 20 widths away and its share of the mixture is below e^−200 anyway): this runs
 * once per kernel and distinct value, and exp/log per kernel were most of a suggestion's cost.
 */
function logNarrowBinMass(z: number, width: number, logWidth: number): number {
  const a = (Math.abs(z) * width) / 2;
  let shape: number;
  if (a < 2) {
    const a2 = a * a;
    shape = a2 * (1 / 6 + a2 * (-1 / 180 + a2 * (1 / 2835 + a2 * (-1 / 37800 + a2 / 467775))));
  } else {
    shape = a - Math.log(2 * a);
  }
  return -0.5 * z * z - LOG_SQRT_2PI + logWidth + shape - (width * width) / 24;
}

/** log Σ e^values[k] over the `count` kernels listed in `active`. */
function logSumExp(values: Float64Array, active: Int32Array, count: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < count; i++) if (values[active[i]] > max) max = values[active[i]];
  if (max === Number.NEGATIVE_INFINITY) return max;
  let sum = 0;
  for (let i = 0; i < count; i++) sum += Math.exp(values[active[i]] - max);
  return max + Math.log(sum);
}

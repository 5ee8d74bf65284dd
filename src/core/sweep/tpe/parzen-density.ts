import { logGaussMass } from './normal.ts';
import type { CategoricalKernels, NumericKernels, ParzenEstimator } from './parzen-estimator.ts';

/**
 * The density side of the Parzen estimator: TPE compares l(x)/g(x) at each candidate, so this
 * runs once per kernel and candidate and is where a suggestion spends its time.
 */

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** log of the mixture's density (mass, for discrete dims) at each point. */
export function logPdfParzenEstimator(est: ParzenEstimator, points: readonly Float64Array[]): Float64Array {
  const kernels = est.weights.length;
  const acc = new Float64Array(kernels);
  const out = new Float64Array(points.length);
  // Per discrete dim, the kernels' log masses at each distinct value: candidates often repeat one.
  const discreteCache = est.dims.map(() => new Map<number, Float64Array>());
  for (let c = 0; c < points.length; c++) {
    const x = points[c];
    acc.set(est.logWeights);
    for (let d = 0; d < est.dims.length; d++) {
      const dim = est.dims[d];
      if (dim.kind === 'categorical') addCategorical(acc, dim, x[d]);
      else if (dim.dim.kind === 'continuous') addContinuous(acc, dim, x[d]);
      else {
        let masses = discreteCache[d].get(x[d]);
        if (!masses) {
          masses = discreteLogMasses(dim, x[d], dim.dim.step);
          discreteCache[d].set(x[d], masses);
        }
        for (let k = 0; k < kernels; k++) acc[k] += masses[k];
      }
    }
    out[c] = logSumExp(acc);
  }
  return out;
}

function addCategorical(acc: Float64Array, dim: CategoricalKernels, choice: number): void {
  for (let k = 0; k < acc.length; k++) acc[k] += dim.logP[k * dim.choices + choice];
}

function addContinuous(acc: Float64Array, dim: NumericKernels, x: number): void {
  const { mu, invSigma, logNorm } = dim;
  for (let k = 0; k < acc.length; k++) {
    const z = (x - mu[k]) * invSigma[k];
    acc[k] += -0.5 * z * z + logNorm[k];
  }
}

/** Each kernel's log mass over the bin of `x` (width `step`), normalised to the kernel's interval. */
function discreteLogMasses(dim: NumericKernels, x: number, step: number): Float64Array {
  const { mu, invSigma, logSigma, logNorm } = dim;
  const logStep = Math.log(step);
  const mass = (k: number): number => {
    const width = step * invSigma[k];
    const z = (x - mu[k]) * invSigma[k];
    const bin =
      width < 0.2
        ? logNarrowBinMass(z, width, logStep - logSigma[k])
        : logGaussMass(z - width / 2, z + width / 2);
    return bin + logNorm[k];
  };
  const out = new Float64Array(mu.length);
  if (!dim.groups) {
    for (let k = 0; k < mu.length; k++) out[k] = mass(k);
    return out;
  }
  const { of, first } = dim.groups;
  const byGroup = new Float64Array(first.length);
  for (let g = 0; g < first.length; g++) byGroup[g] = mass(first[g]);
  for (let k = 0; k < mu.length; k++) out[k] = byGroup[of[k]];
  return out;
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

function logSumExp(values: Float64Array): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  if (max === Number.NEGATIVE_INFINITY) return max;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.exp(values[i] - max);
  return max + Math.log(sum);
}

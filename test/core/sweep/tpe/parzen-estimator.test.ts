import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { trialRandom } from '../../../../src/core/sweep/random.ts';
import { logGaussMass } from '../../../../src/core/sweep/tpe/normal.ts';
import { logPdfParzenEstimator } from '../../../../src/core/sweep/tpe/parzen-density.ts';
import {
  buildParzenEstimator,
  type ParzenEstimator,
  sampleParzenEstimator,
  type TpeDim,
} from '../../../../src/core/sweep/tpe/parzen-estimator.ts';

/**
 * The fit and the density are computed the fast way (a typed-array quicksort, kernels dropped
 * once they cannot matter); these tests hold them to the plain definitions, written the slow way.
 */

/** Optuna's bandwidths from a comparator sort: the larger gap to a sorted neighbour, clipped. */
function referenceSigmas(values: number[], low: number, high: number): number[] {
  const n = values.length;
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b] || a - b);
  const sorted = [low, ...order.map((i) => values[i]), high];
  const minSigma = (high - low) / Math.min(100, n + 2);
  const sigmas = new Array<number>(n);
  order.forEach((k, i) => {
    let gap = Math.max(sorted[i + 1] - sorted[i], sorted[i + 2] - sorted[i + 1]);
    if (n >= 2 && i === 0) gap = sorted[2] - sorted[1];
    if (n >= 2 && i === n - 1) gap = sorted[n] - sorted[n - 1];
    sigmas[k] = Math.min(high - low, Math.max(minSigma, gap));
  });
  return sigmas;
}

/** log Σ_k w_k Π_d p_kd(x_d) over every kernel and dim, nothing dropped. */
function referenceLogPdf(est: ParzenEstimator, x: Float64Array): number {
  const terms = Array.from(est.weights, (_, k) => {
    let sum = est.logWeights[k];
    est.dims.forEach((dim, d) => {
      if (dim.kind === 'categorical') {
        sum += dim.logP[k * dim.choices + x[d]];
        return;
      }
      const { mu, sigma, low, high } = dim;
      const inside = logGaussMass((low - mu[k]) / sigma[k], (high - mu[k]) / sigma[k]);
      if (dim.dim.kind === 'discrete') {
        const half = dim.dim.step / 2;
        sum += logGaussMass((x[d] - half - mu[k]) / sigma[k], (x[d] + half - mu[k]) / sigma[k]) - inside;
      } else {
        const z = (x[d] - mu[k]) / sigma[k];
        sum += -0.5 * z * z - Math.log(sigma[k] * Math.sqrt(2 * Math.PI)) - inside;
      }
    });
    return sum;
  });
  const max = Math.max(...terms);
  return max + Math.log(terms.reduce((s, t) => s + Math.exp(t - max), 0));
}

const column = (values: number[]) => Float64Array.from(values);

describe('Parzen estimator', () => {
  it('gives each kernel Optuna’s bandwidth, ties in trial order, however values repeat', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 6 }), fc.double({ min: 0, max: 6, noNaN: true })), {
          maxLength: 300,
        }),
        (values) => {
          const dim: TpeDim = { kind: 'continuous', low: 0, high: 6, log: false };
          const est = buildParzenEstimator([dim], [column(values)], new Array(values.length).fill(1));
          const kernels = est.dims[0];
          assert.equal(kernels.kind, 'numeric');
          if (kernels.kind !== 'numeric') return;
          assert.deepEqual(
            Array.from(kernels.sigma.subarray(0, values.length)),
            referenceSigmas(values, 0, 6),
          );
          assert.equal(kernels.sigma[values.length], 6, 'the prior kernel spans the interval');
        },
      ),
    );
  });

  it('computes the same density as summing every kernel in every dim', () => {
    const dims: TpeDim[] = [
      { kind: 'continuous', low: 0, high: 1, log: false },
      { kind: 'continuous', low: Math.log(1e-5), high: 0, log: true },
      { kind: 'categorical', choices: 3 },
      { kind: 'continuous', low: -5, high: 5, log: false },
    ];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 1000 }), (n, seed) => {
        const random = trialRandom(seed, 1);
        const draw = (dim: TpeDim) =>
          dim.kind === 'categorical'
            ? random.below(dim.choices)
            : dim.low + (dim.high - dim.low) * random.next();
        const columns = dims.map((dim) => column(Array.from({ length: n }, () => draw(dim))));
        const weights = Array.from({ length: n }, (_, k) => 1 / (k + 1));
        const est = buildParzenEstimator(dims, columns, weights);
        const points = [
          ...sampleParzenEstimator(est, random, 6),
          ...Array.from({ length: 6 }, () => Float64Array.from(dims, draw)),
        ];
        const fast = logPdfParzenEstimator(est, points);
        points.forEach((x, c) => {
          const expected = referenceLogPdf(est, x);
          assert.ok(
            Math.abs(fast[c] - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
            `${fast[c]} vs ${expected}`,
          );
        });
      }),
      { numRuns: 40 },
    );
  });

  it('computes the mass of whole-number params as the bins of the kernels', () => {
    const dims: TpeDim[] = [
      { kind: 'discrete', low: 1, high: 512, step: 1 },
      { kind: 'discrete', low: 2, high: 20, step: 3 },
    ];
    const random = trialRandom(7, 1);
    const grid = (dim: Extract<TpeDim, { kind: 'discrete' }>) =>
      dim.low + dim.step * random.below(Math.round((dim.high - dim.low) / dim.step) + 1);
    const columns = dims.map((dim) => column(Array.from({ length: 300 }, () => grid(dim as never))));
    const est = buildParzenEstimator(dims, columns, new Array(300).fill(1));
    const points = sampleParzenEstimator(est, random, 20);
    const fast = logPdfParzenEstimator(est, points);
    // Narrow bins use a series (error below 1e-3 of the log mass); wide ones the exact tails.
    points.forEach((x, c) => {
      const expected = referenceLogPdf(est, x);
      assert.ok(Math.abs(fast[c] - expected) <= 1e-3 * Math.abs(expected), `${fast[c]} vs ${expected}`);
    });
  });
});

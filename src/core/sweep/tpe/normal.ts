/**
 * The normal distribution functions TPE needs (its kernels are truncated normals), accurate in
 * the tails: Optuna computes log-densities in log space because a kernel far from a point has a
 * density that underflows to 0, and log(0) would make every candidate look equally bad.
 *
 * erfc is a port of FreeBSD's s_erf.c (the same source Optuna's _erf.py uses):
 *   Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 *   Developed at SunPro, a Sun Microsystems, Inc. business.
 *   Permission to use, copy, modify, and distribute this software is freely granted,
 *   provided that this notice is preserved.
 */

const ERX = 0.8450629115104675;
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const LOG_HALF = Math.log(0.5);

// erf on [0, 0.84375]
const PP = [
  0.12837916709551256, -0.3250421072470015, -0.02848174957559851, -0.005770270296489442,
  -0.000023763016656650163,
];
const QQ = [
  1, 0.39791722395915535, 0.0650222499887673, 0.005081306281875766, 0.00013249473800432164,
  -0.000003960228278775368,
];
// erf on [0.84375, 1.25]
const PA = [
  -0.0023621185607526594, 0.41485611868374833, -0.3722078760357013, 0.31834661990116175, -0.11089469428239668,
  0.035478304325618236, -0.002166375594868791,
];
const QA = [
  1, 0.10642088040084423, 0.540397917702171, 0.07182865441419627, 0.12617121980876164, 0.01363708391202905,
  0.011984499846799107,
];
// erfc on [1.25, 1/0.35]
const RA = [
  -0.009864944034847148, -0.6938585727071818, -10.558626225323291, -62.375332450326006, -162.39666946257347,
  -184.60509290671104, -81.2874355063066, -9.814329344169145,
];
const SA = [
  1, 19.651271667439257, 137.65775414351904, 434.56587747522923, 645.3872717332679, 429.00814002756783,
  108.63500554177944, 6.570249770319282, -0.0604244152148581,
];
// erfc on [1/0.35, 28]; it also tends to the asymptote erfc(x) ≈ exp(−x²)/(x√π) beyond 28.
const RB = [
  -0.0098649429247001, -0.799283237680523, -17.757954917754752, -160.63638485582192, -637.5664433683896,
  -1025.0951316110772, -483.5191916086514,
];
const SB = [
  1, 30.33806074348246, 325.7925129965739, 1536.729586084437, 3199.8582195085955, 2553.0504064331644,
  474.52854120695537, -22.44095244658582,
];

function poly(c: readonly number[], x: number): number {
  let y = c[c.length - 1];
  for (let i = c.length - 2; i >= 0; i--) y = y * x + c[i];
  return y;
}

/** log erfc(x) for x ≥ 1.25, without underflow however large x is. */
function logErfcTail(x: number): number {
  const s = 1 / (x * x);
  const ratio = x < 1 / 0.35 ? poly(RA, s) / poly(SA, s) : poly(RB, s) / poly(SB, s);
  // s_erf.c splits x² as z² + (z−x)(z+x) with z = x cut to fewer bits, so z² is exact.
  const z = Math.fround(x);
  return -z * z - 0.5625 + (z - x) * (z + x) + ratio - Math.log(x);
}

/** The complementary error function, 1 − erf(x), with full relative precision for large x. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const ax = Math.abs(x);
  if (ax < 0.84375) {
    if (ax < 2 ** -56) return 1 - x;
    const z = x * x;
    const y = poly(PP, z) / poly(QQ, z);
    return x < 0.25 ? 1 - (x + x * y) : 0.5 - (x * y + (x - 0.5));
  }
  if (ax < 1.25) {
    const s = ax - 1;
    const pq = poly(PA, s) / poly(QA, s);
    return x >= 0 ? 1 - ERX - pq : 1 + ERX + pq;
  }
  const tail = ax < 40 ? Math.exp(logErfcTail(ax)) : 0;
  return x > 0 ? tail : 2 - tail;
}

/** Φ(z), the standard normal CDF. */
export function ndtr(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** log Φ(z), accurate deep in the left tail (no underflow) and near 0 on the right. */
export function logNdtr(z: number): number {
  if (z === Number.NEGATIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  if (z > 0) return Math.log1p(-ndtr(-z));
  const x = -z / Math.SQRT2;
  return x >= 1.25 ? LOG_HALF + logErfcTail(x) : Math.log(0.5 * erfc(x));
}

/** log(e^p − e^q) for q < p. */
function logDiff(p: number, q: number): number {
  return p + Math.log1p(-Math.exp(q - p));
}

/** log of the standard normal mass between a and b (a < b), as Optuna's _log_gauss_mass. */
export function logGaussMass(a: number, b: number): number {
  // The left tail is where log Φ is accurate; the right tail is mirrored onto it.
  if (b <= 0) return logDiff(logNdtr(b), logNdtr(a));
  if (a > 0) return logDiff(logNdtr(-a), logNdtr(-b));
  // Around 0 the mass is near 1: subtract the two small tails instead of two near-equal CDFs.
  // A tail beyond 8.5 standard deviations is below 1e-17 and changes nothing; most kernels of a
  // Parzen estimator lie well inside their interval, so skipping them halves the cost of a fit.
  const left = a > -8.5 ? ndtr(a) : 0;
  const right = b < 8.5 ? ndtr(-b) : 0;
  return Math.log1p(-left - right);
}

// Acklam's rational approximation of the inverse normal CDF (relative error 1.15e-9),
// refined below with one Halley step to full precision.
const AC = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239,
];
const BC = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const CC = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const DC = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];

/** Φ⁻¹(p) for p in (0, 0.5]; the caller mirrors larger p, where 1 − p would lose digits. */
function ndtriLower(p: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  let x: number;
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((CC[0] * q + CC[1]) * q + CC[2]) * q + CC[3]) * q + CC[4]) * q + CC[5]) /
      ((((DC[0] * q + DC[1]) * q + DC[2]) * q + DC[3]) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((AC[0] * r + AC[1]) * r + AC[2]) * r + AC[3]) * r + AC[4]) * r + AC[5]) * q) /
      (((((BC[0] * r + BC[1]) * r + BC[2]) * r + BC[3]) * r + BC[4]) * r + 1);
  }
  // exp(x²/2) overflows past |x| ≈ 37, where the approximation is already as good as doubles get.
  if (x > -37) {
    const e = ndtr(x) - p;
    const u = e * SQRT_2PI * Math.exp((x * x) / 2);
    x -= u / (1 + (x * u) / 2);
  }
  return x;
}

/**
 * The q-quantile (q in [0, 1)) of the standard normal truncated to [a, b]: what a uniform draw
 * q becomes. Both Φ(x) = (1−q)Φ(a) + qΦ(b) and its complement are convex mixtures of exact
 * tails, so whichever side x falls on is computed without cancellation.
 */
export function truncatedNormalQuantile(q: number, a: number, b: number): number {
  const lower = (1 - q) * ndtr(a) + q * ndtr(b);
  const x = lower <= 0.5 ? ndtriLower(lower) : -ndtriLower((1 - q) * ndtr(-a) + q * ndtr(-b));
  return Math.min(b, Math.max(a, x));
}

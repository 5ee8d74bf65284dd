/**
 * Seeded random numbers for the samplers. Each trial gets its own stream, derived by hashing
 * (seed, trial index), so the values a trial draws do not depend on how many draws other trials
 * made before it: after a restart the same trial gets the same suggestion.
 */
export interface Random {
  /** A float in [0, 1) with 53 random bits. */
  next(): number;
  /** A whole number in [0, n). */
  below(n: number): number;
}

/** The random stream of one trial of a sweep. */
export function trialRandom(seed: number, index: number): Random {
  // Four state words from the seed and the index, mixed so that nearby seeds and indexes diverge.
  const a = mix32(seed ^ 0x9e3779b9);
  const b = mix32((index + Math.imul(a, 0x85ebca6b)) | 0);
  const c = mix32(a ^ b ^ 0xc2b2ae35);
  const d = mix32((b + 0x27d4eb2f + index) | 0);
  return sfc32(a, b, c, d);
}

/** murmur3's finaliser: a 32-bit hash with full avalanche. */
function mix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Chris Doty-Humphrey's sfc32: small, fast, and passes PractRand; 32 bits per call. */
function sfc32(a0: number, b0: number, c0: number, d0: number): Random {
  let a = a0 | 0;
  let b = b0 | 0;
  let c = c0 | 0;
  let d = d0 | 0;
  const next32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // The first outputs of a freshly seeded sfc32 are still correlated with the seed.
  for (let i = 0; i < 12; i++) next32();
  const next = (): number => ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992;
  return { next, below: (n) => Math.floor(next() * n) };
}

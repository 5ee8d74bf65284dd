import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  erfc,
  logGaussMass,
  logNdtr,
  truncatedNormalQuantile,
} from '../../../../src/core/sweep/tpe/normal.ts';

/** Relative closeness, for values spanning hundreds of orders of magnitude. */
function close(actual: number, expected: number, rel = 1e-12): void {
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected), `${actual} vs ${expected}`);
}

describe('normal distribution functions', () => {
  it('erfc matches reference values across its range, deep tail included', () => {
    // Python's math.erfc.
    const reference: [number, number][] = [
      [0.1, 0.8875370839817152],
      [0.5, 0.4795001221869535],
      [1, 0.15729920705028513],
      [2, 0.004677734981047265],
      [5, 1.5374597944280351e-12],
      [10, 2.088487583762545e-45],
      [26, 5.663192408856143e-296],
      [-1, 1.842700792949715],
    ];
    for (const [x, y] of reference) close(erfc(x), y, 1e-13);
  });

  it('log Φ matches SciPy far into both tails', () => {
    // scipy.special.log_ndtr.
    const reference: [number, number][] = [
      [-40, -804.6084420137539],
      [-10, -53.23128515051248],
      [-3, -6.60772622151035],
      [0, -Math.LN2],
      [5, -2.8665161296376294e-7],
      [10, -7.61985302416047e-24],
    ];
    for (const [z, y] of reference) close(logNdtr(z), y, 1e-12);
  });

  it('log mass of an interval is finite where the mass underflows', () => {
    close(logGaussMass(30, 31), -454.3212439563433, 1e-12);
    close(logGaussMass(-31, -30), -454.3212439563433, 1e-12);
    assert.ok(Math.abs(logGaussMass(-1e9, 1e9)) < 1e-15);
  });

  it('the truncated quantile matches SciPy and never leaves [a, b]', () => {
    // scipy.stats.truncnorm.ppf.
    close(truncatedNormalQuantile(0.3, -1, 2), -0.2424038178892269, 1e-9);
    close(truncatedNormalQuantile(0.9, -50, 0.1), -0.035488636913351475, 1e-9);
    close(truncatedNormalQuantile(0.999, -3, 3), 2.8272888358711152, 1e-9);
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.double({ min: -60, max: 0, noNaN: true }),
        fc.double({ min: 0, max: 60, noNaN: true }),
        (q, a, b) => {
          fc.pre(a < b);
          const x = truncatedNormalQuantile(q, a, b);
          assert.ok(x >= a && x <= b, `${x} outside [${a}, ${b}]`);
        },
      ),
    );
  });
});

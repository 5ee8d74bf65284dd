import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { sparkline } from '../../../src/core/chart/sparkline.ts';

const BARS = '▁▂▃▄▅▆▇█';

describe('sparkline', () => {
  it('draws the lowest value lowest and the highest highest, one character per value', () => {
    assert.equal(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 20), '▁▂▃▄▅▆▇█');
    assert.equal(sparkline([2.3, 1.1, 0.6, 0.4, 0.35], 10), '█▄▂▁▁');
  });

  it('averages a long series into the width', () => {
    const line = sparkline(
      Array.from({ length: 1000 }, (_, i) => i),
      10,
    );
    assert.equal([...line].length, 10);
    assert.equal(line[0], '▁');
    assert.equal(line.at(-1), '█');
  });

  it('draws a constant series flat, not at the bottom', () => {
    assert.equal(sparkline([5, 5, 5], 10), '▄▄▄');
    assert.equal(sparkline([0.1], 10), '▄');
  });

  it('shows values that are not numbers as gaps, and draws the rest', () => {
    assert.equal(sparkline([1, Number.NaN, 3], 10), '▁ █');
    assert.equal(sparkline([Number.NaN, Number.POSITIVE_INFINITY], 10), '  ');
    assert.equal(sparkline([Number.NEGATIVE_INFINITY, 1, 2], 10), ' ▁█');
  });

  it('is empty for no values or no room, and copes with tiny and fractional widths', () => {
    assert.equal(sparkline([], 10), '');
    assert.equal(sparkline([1, 2], 0), '');
    assert.equal(sparkline([1, 2], -3), '');
    assert.equal(sparkline([1, 2], Number.NaN), '');
    assert.equal(sparkline([1, 2, 3, 4], 1), '▄');
    assert.equal([...sparkline([1, 2, 3, 4], 2.9)].length, 2);
  });

  it('handles the extremes of the number range without overflowing', () => {
    assert.equal(sparkline([-Number.MAX_VALUE, 0, Number.MAX_VALUE], 3), '▁▅█');
    assert.equal(
      sparkline([Number.MAX_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE, -Number.MAX_VALUE], 2),
      '█▁',
    );
  });

  it('never draws more than the width, nor anything but bars and gaps; rising input rises', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double(), { maxLength: 300 }),
        fc.integer({ min: -2, max: 80 }),
        (values, width) => {
          const line = [...sparkline(values, width)];
          assert.equal(line.length, width < 1 ? 0 : Math.min(values.length, width));
          for (const ch of line) assert.ok(ch === ' ' || BARS.includes(ch), `unexpected ${ch}`);
        },
      ),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 2, maxLength: 50 }),
        (xs) => {
          const rising = [...xs].sort((a, b) => a - b);
          const levels = [...sparkline(rising, 50)].map((ch) => BARS.indexOf(ch));
          for (let i = 1; i < levels.length; i++)
            assert.ok(levels[i] >= levels[i - 1], sparkline(rising, 50));
        },
      ),
    );
  });
});

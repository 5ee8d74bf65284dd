import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { thinEvenly } from '../../../src/core/chart/thin.ts';

describe('thinEvenly', () => {
  it('returns short lists whole', () => {
    assert.deepEqual(thinEvenly([1, 2, 3], 3), [1, 2, 3]);
    assert.deepEqual(thinEvenly([], 5), []);
  });

  it('spreads the picks evenly', () => {
    const items = Array.from({ length: 101 }, (_, i) => i);
    assert.deepEqual(thinEvenly(items, 6), [0, 20, 40, 60, 80, 100]);
  });

  it('keeps at most max items, in order, always the first, the last and the ones asked for', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 4, max: 600 }),
        fc.array(fc.nat({ max: 3000 }), { maxLength: 2 }),
        (n, max, keep) => {
          const items = Array.from({ length: n }, (_, i) => i);
          const out = thinEvenly(items, max, keep);
          assert.ok(out.length <= Math.min(n, max), `${out.length} > ${max}`);
          for (let i = 1; i < out.length; i++) assert.ok(out[i] > out[i - 1], 'in order, no repeats');
          if (n > 0) {
            assert.equal(out[0], 0);
            assert.equal(out.at(-1), n - 1);
          }
          for (const k of keep) if (k < n) assert.ok(out.includes(k), `kept ${k}`);
        },
      ),
      { numRuns: 500 },
    );
  });
});

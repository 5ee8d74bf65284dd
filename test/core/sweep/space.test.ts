import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkParamValue, decimalsOf } from '../../../src/core/sweep/check-space.ts';
import {
  describeSpace,
  rangeValue,
  type SearchSpace,
  spaceContains,
  valueAt,
} from '../../../src/core/sweep/space.ts';
import type { ParamDef } from '../../../src/core/template/template.ts';

const float: ParamDef = { name: 'x', type: 'float', required: false, default: 0 };
const int: ParamDef = { name: 'n', type: 'int', required: false, default: 0 };

function space(def: ParamDef, raw: string): SearchSpace {
  const checked = checkParamValue(def, raw);
  assert.ok(checked.ok && checked.kind === 'space', JSON.stringify(checked));
  return checked.space;
}

function values(s: SearchSpace): unknown[] {
  assert.ok(s.kind === 'list' || s.kind === 'range');
  const count = s.kind === 'list' ? s.values.length : s.count;
  return Array.from({ length: count }, (_, i) => valueAt(s, i));
}

describe('search spaces', () => {
  it('reads ranges with the stop included when hit, and without float drift', () => {
    assert.deepEqual(values(space(float, 'range(0.1,0.5,0.1)')), [0.1, 0.2, 0.3, 0.4, 0.5]);
    assert.deepEqual(values(space(float, 'range(0,1,0.25)')), [0, 0.25, 0.5, 0.75, 1]);
    assert.equal(values(space(float, 'range(0,1,0.1)')).length, 11);
    assert.deepEqual(values(space(int, 'range(1,10,3)')), [1, 4, 7, 10]);
    assert.deepEqual(values(space(int, 'range(1,9,3)')), [1, 4, 7]);
    assert.deepEqual(values(space(int, 'range(5,5,1)')), [5]);
    assert.deepEqual(values(space(float, 'range(1e-3,5e-3,1e-3)')), [0.001, 0.002, 0.003, 0.004, 0.005]);
    assert.deepEqual(values(space(int, 'range(-2, 2)')), [-2, -1, 0, 1, 2]);
  });

  it('reads lists typed by the param, tolerating spaces, quotes and capitals', () => {
    assert.deepEqual(values(space(float, '[ 0.01 , 1e-1,1 ]')), [0.01, 0.1, 1]);
    const opt: ParamDef = {
      name: 'o',
      type: 'enum',
      required: false,
      default: 'sgd',
      values: ['sgd', 'Adam'],
    };
    assert.deepEqual(values(space(opt, '["sgd", \'adam\']')), ['sgd', 'Adam']);
    const flag: ParamDef = { name: 'f', type: 'bool', required: false, default: false };
    assert.deepEqual(values(space(flag, '[yes,false]')), [true, false]);
    assert.deepEqual(space(float, 'Uniform(0, 1)'), { kind: 'uniform', lo: 0, hi: 1 });
  });

  it('keeps anything that is not a space as a fixed value', () => {
    assert.deepEqual(checkParamValue(float, '0.5'), { ok: true, kind: 'fixed', value: 0.5 });
    const text: ParamDef = { name: 's', type: 'string', required: false, default: '' };
    assert.deepEqual(checkParamValue(text, 'f(x)'), { ok: true, kind: 'fixed', value: 'f(x)' });
  });

  it('counts the decimals a number was written with', () => {
    assert.equal(decimalsOf('0.25'), 2);
    assert.equal(decimalsOf('1e-4'), 4);
    assert.equal(decimalsOf('2.5e-3'), 4);
    assert.equal(decimalsOf('1e3'), 0);
    assert.equal(decimalsOf('10'), 0);
  });

  it('describes spaces as they are written', () => {
    assert.equal(describeSpace(space(float, 'range(0.1,0.5,0.1)')), 'range(0.1,0.5,0.1)');
    assert.equal(describeSpace(space(float, 'loguniform(1e-4,1e-1)')), 'loguniform(0.0001,0.1)');
    assert.equal(describeSpace(space(float, '[1,2]')), '[1,2]');
  });

  it('gives any range increasing values from start, never past stop, each contained in it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -500, max: 500 }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 1, max: 40 }),
        (from, extra, k) => {
          // Twentieths, written as short decimals the way people type them.
          const [start, stop, step] = [from / 20, (from + extra) / 20, k / 20];
          const s = space(float, `range(${start},${stop},${step})`);
          assert.ok(s.kind === 'range');
          assert.equal(rangeValue(s, 0), start);
          for (let i = 1; i < s.count; i++) assert.ok(rangeValue(s, i) > rangeValue(s, i - 1));
          const last = rangeValue(s, s.count - 1);
          assert.ok(last <= stop, `${last} > ${stop}`);
          assert.ok(last + step > stop + 1e-9, 'the next value would pass stop');
          for (let i = 0; i < s.count; i++) assert.ok(spaceContains(s, rangeValue(s, i)));
        },
      ),
      { numRuns: 500 },
    );
  });
});

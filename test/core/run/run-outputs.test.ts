import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  MAX_OUTPUT_VALUE,
  MAX_OUTPUTS,
  readOutputLine,
  runOutputs,
  setOutput,
} from '../../../src/core/run/run-outputs.ts';

describe('readOutputLine', () => {
  it('reads name and value, the value being everything after the first =', () => {
    assert.deepEqual(readOutputLine('::output rows=1000'), { name: 'rows', value: '1000' });
    assert.deepEqual(readOutputLine('  ::output  path=a=b c \r\n'), { name: 'path', value: 'a=b c ' });
    assert.deepEqual(readOutputLine('::output empty='), { name: 'empty', value: '' });
  });

  it('keeps hostile text literal', () => {
    for (const value of ['{{steps.x.outputs.y}}', '<!channel>', '```', '$(rm -rf /)', "'; DROP", '日本😀']) {
      assert.deepEqual(readOutputLine(`::output v=${value}`), { name: 'v', value });
    }
  });

  it('says invalid for lines that start like an output but are not one', () => {
    for (const line of [
      '::output rows',
      '::output =1',
      '::output Rows=1',
      '::output 1x=1',
      '::output a-b=1',
      `::output long=${'x'.repeat(MAX_OUTPUT_VALUE + 1)}`,
      '::output nul=a\u0000b',
    ]) {
      assert.equal(readOutputLine(line), 'invalid', line);
    }
  });

  it('ignores every other line', () => {
    for (const line of ['rows=1000', ':: output rows=1', 'x ::output rows=1', '::outputs rows=1', '']) {
      assert.equal(readOutputLine(line), undefined, line);
    }
  });

  it('never throws and only returns valid names', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (tail) => {
        const reading = readOutputLine(`::output ${tail}`);
        if (reading !== undefined && reading !== 'invalid') assert.match(reading.name, /^[a-z][a-z0-9_]*$/);
      }),
    );
  });
});

describe('setOutput', () => {
  it('updates existing names at the cap but adds no new ones', () => {
    const full = Object.fromEntries(Array.from({ length: MAX_OUTPUTS }, (_, i) => [`o${i}`, '1']));
    assert.equal(setOutput(full, { name: 'extra', value: '1' }), undefined);
    assert.equal(setOutput(full, { name: 'o3', value: '2' })?.o3, '2');
    assert.deepEqual(setOutput(undefined, { name: 'a', value: 'b' }), { a: 'b' });
  });
});

describe('runOutputs', () => {
  it('gives final metrics as text and explicit outputs over them', () => {
    assert.deepEqual(
      runOutputs({ metrics: { loss: 0.1, acc: 1e-7 }, outputs: { loss: 'best', rows: '5' } }),
      {
        loss: 'best',
        acc: '1e-7',
        rows: '5',
      },
    );
    assert.deepEqual(runOutputs({ metrics: {} }), {});
  });
});

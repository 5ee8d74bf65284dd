import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseTemplate } from '../../../src/core/template/parse-template.ts';
import { resolveParams } from '../../../src/core/template/resolve-params.ts';
import type { Template } from '../../../src/core/template/template.ts';

function template(params: string): Template {
  const result = parseTemplate(
    'demo',
    '/t/demo.yaml',
    '/t/demo',
    `params:\n${params}\nimage: busybox\ncommand: [x]\n`,
  );
  assert.ok(result.ok, JSON.stringify(result));
  return result.template;
}

const demo = template(`
  epochs: { type: int, default: 5, min: 1, max: 1000 }
  lr: { type: float, default: 0.1, min: 0, exclusiveMin: true }
  shuffle: { type: bool, default: true }
  optimizer: { type: enum, values: [sgd, adam], default: sgd }
  tag: { type: string, default: run, pattern: '[a-z0-9-]+' }
  note: { type: string, default: '' }
`);

function error(raw: Record<string, string>, t: Template = demo): string {
  const result = resolveParams(t, raw);
  assert.equal(result.ok, false, 'expected an error');
  return result.ok ? '' : result.error;
}

describe('resolveParams', () => {
  it('fills in defaults', () => {
    assert.deepEqual(resolveParams(demo, {}), {
      ok: true,
      params: { epochs: 5, lr: 0.1, shuffle: true, optimizer: 'sgd', tag: 'run', note: '' },
    });
  });

  it('types values: ints, floats in every notation, bools in every spelling, enums in any case', () => {
    const ok = (raw: Record<string, string>) => {
      const r = resolveParams(demo, raw);
      assert.ok(r.ok, JSON.stringify(r));
      return r.params;
    };
    assert.equal(ok({ epochs: '30' }).epochs, 30);
    assert.equal(ok({ epochs: '+7' }).epochs, 7);
    assert.equal(ok({ lr: '1e-3' }).lr, 0.001);
    assert.equal(ok({ lr: '.5' }).lr, 0.5);
    assert.equal(ok({ lr: '2' }).lr, 2);
    for (const [word, value] of [
      ['true', true],
      ['YES', true],
      ['1', true],
      ['false', false],
      ['no', false],
      ['0', false],
    ] as const) {
      assert.equal(ok({ shuffle: word }).shuffle, value, word);
    }
    assert.equal(ok({ optimizer: 'Adam' }).optimizer, 'adam');
  });

  it('keeps string values as the literal text, shell and template syntax included', () => {
    for (const text of ['$(rm -rf /)', '; reboot', '{{epochs}}', 'a\nb: c', '"quoted"']) {
      const r = resolveParams(demo, { note: text });
      assert.ok(r.ok);
      assert.equal(r.params.note, text);
    }
  });

  it('says what a wrongly typed or out-of-range value should be', () => {
    assert.equal(error({ epochs: 'abc' }), 'epochs must be a whole number from 1 to 1000, not "abc".');
    assert.equal(error({ epochs: '2.5' }), 'epochs must be a whole number from 1 to 1000, not "2.5".');
    assert.equal(error({ epochs: '0' }), 'epochs must be a whole number from 1 to 1000, not "0".');
    assert.equal(error({ epochs: '1e3' }), 'epochs must be a whole number from 1 to 1000, not "1e3".');
    assert.equal(
      error({ epochs: '99999999999999999999' }),
      'epochs must be a whole number from 1 to 1000, not "99999999999999999999".',
    );
    assert.equal(error({ lr: '0' }), 'lr must be a number greater than 0, not "0".');
    assert.equal(error({ lr: 'NaN' }), 'lr must be a number greater than 0, not "NaN".');
    assert.equal(error({ lr: 'Infinity' }), 'lr must be a number greater than 0, not "Infinity".');
    assert.equal(error({ shuffle: 'maybe' }), 'shuffle must be true or false, not "maybe".');
    assert.equal(
      error({ optimizer: 'adma' }),
      'optimizer must be one of sgd, adam, not "adma". Did you mean "adam"?',
    );
    assert.equal(error({ tag: 'Bad Tag' }), 'tag must be text matching /[a-z0-9-]+/, not "Bad Tag".');
  });

  it('names an unknown param, suggests the nearest one and lists them all', () => {
    assert.equal(
      error({ epoch: '3' }),
      'demo has no param "epoch"; its params are epochs, lr, shuffle, optimizer, tag, note. Did you mean "epochs"?',
    );
    assert.match(error({ batch: '3' }), /no param "batch"; its params are .*\.$/);
    const bare = parseTemplate('bare', '/t/bare.yaml', '/t/bare', 'image: busybox\ncommand: [x]\n');
    assert.ok(bare.ok);
    assert.equal(error({ a: '1' }, bare.template), 'bare has no param "a"; it takes no params.');
  });

  it('asks for a required param that was not given', () => {
    const t = template('  dataset: { type: string, required: true }');
    assert.equal(error({}, t), 'demo needs dataset (text); add dataset=<value>.');
    assert.deepEqual(resolveParams(t, { dataset: 'cifar' }), { ok: true, params: { dataset: 'cifar' } });
  });

  it('describes one-sided and exclusive bounds', () => {
    const t = template(`
  a: { type: float, default: 0.5, max: 1, exclusiveMax: true }
  b: { type: int, default: 3, min: 2 }
  c: { type: float, default: 0.5, min: 0, max: 1, exclusiveMin: true }`);
    assert.equal(error({ a: '1' }, t), 'a must be a number less than 1, not "1".');
    assert.equal(error({ b: '1' }, t), 'b must be a whole number of at least 2, not "1".');
    assert.equal(error({ c: '0' }, t), 'c must be a number greater than 0 and of at most 1, not "0".');
  });
});

describe('resolveParams with any input (property)', () => {
  it('never throws, and every result is either typed params or one sentence', () => {
    const names = fc.oneof(
      fc.constantFrom('epochs', 'lr', 'shuffle', 'optimizer', 'tag', 'note'),
      fc.string(),
    );
    fc.assert(
      fc.property(fc.dictionary(names, fc.string({ unit: 'binary', maxLength: 40 })), (raw) => {
        const result = resolveParams(demo, raw);
        if (result.ok)
          assert.deepEqual(Object.keys(result.params).sort(), demo.params.map((p) => p.name).sort());
        else assert.match(result.error, /[.?]$/);
      }),
      { numRuns: 500 },
    );
  });
});

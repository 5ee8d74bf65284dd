import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  findReferences,
  parseReference,
  referenceText,
  substituteReferences,
} from '../../../src/core/pipeline/references.ts';

describe('parseReference', () => {
  it('reads params and the three output forms', () => {
    assert.deepEqual(parseReference('rows'), { kind: 'param', name: 'rows' });
    assert.deepEqual(parseReference('steps.prep.outputs.rows'), {
      kind: 'output',
      step: 'prep',
      pick: 'one',
      output: 'rows',
    });
    assert.deepEqual(parseReference('steps.train.best.outputs.w'), {
      kind: 'output',
      step: 'train',
      pick: 'best',
      output: 'w',
    });
    assert.deepEqual(parseReference('steps.train.all.outputs.loss')?.kind, 'output');
  });

  it('is undefined for anything else', () => {
    for (const text of [
      '',
      'steps.prep',
      'steps.prep.rows',
      'steps..outputs.x',
      'steps.a.worst.outputs.x',
      'a b',
      'x.y',
    ]) {
      assert.equal(parseReference(text), undefined, text);
    }
  });

  it('writes a reference back as it reads', () => {
    for (const text of [
      'rows',
      'steps.prep.outputs.rows',
      'steps.t.best.outputs.w',
      'steps.t.all.outputs.w',
    ]) {
      const ref = parseReference(text);
      assert.ok(ref);
      assert.equal(referenceText(ref), text);
    }
  });
});

describe('findReferences', () => {
  it('finds every {{…}} in text, malformed ones without a ref', () => {
    assert.deepEqual(findReferences('a {{ rows }} b {{steps.x}}'), [
      { text: 'rows', ref: { kind: 'param', name: 'rows' } },
      { text: 'steps.x' },
    ]);
    assert.deepEqual(findReferences(5), []);
    assert.deepEqual(findReferences('plain'), []);
  });
});

describe('substituteReferences', () => {
  it('replaces in one pass, so substituted text that looks like a reference stays literal', () => {
    const text = substituteReferences('{{a}}-{{b}}', (ref) =>
      ref.kind === 'param' && ref.name === 'a' ? '{{b}}' : 'B',
    );
    assert.equal(text, '{{b}}-B');
  });

  it('gives literals as text and leaves malformed braces alone', () => {
    assert.equal(
      substituteReferences(0.5, () => 'x'),
      '0.5',
    );
    assert.equal(
      substituteReferences(true, () => 'x'),
      'true',
    );
    assert.equal(
      substituteReferences('{{not a ref}}', () => 'x'),
      '{{not a ref}}',
    );
  });
});

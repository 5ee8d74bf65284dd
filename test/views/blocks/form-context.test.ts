import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeFormContext, encodeFormContext } from '../../../src/views/blocks/form-context.ts';

describe('form context', () => {
  it('round-trips what a form needs on submit', () => {
    const context = { template: 'resnet', channel: 'C0123', rerunOf: 'r-abc123def4' };
    assert.deepEqual(decodeFormContext(encodeFormContext(context)), context);
    assert.deepEqual(decodeFormContext(encodeFormContext({})), {});
  });

  it('stays within the 3000 characters of private_metadata whatever it is given', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            template: fc.string({ unit: 'binary' }),
            channel: fc.string({ maxLength: 5000 }),
            rerunOf: fc.string(),
          },
          { requiredKeys: [] },
        ),
        (context) => {
          assert.ok(encodeFormContext(context).length <= 3000);
        },
      ),
    );
    const control = '\u0001'.repeat(10_000);
    assert.ok(encodeFormContext({ template: control, channel: control, rerunOf: control }).length <= 3000);
  });

  it('refuses metadata that Trainyard did not write', () => {
    for (const text of [
      undefined,
      '',
      'nope',
      '[]',
      'null',
      '{"v":2,"template":"x"}',
      '{"v":1,"template":5}',
      '{"v":1,"channel":""}',
    ]) {
      assert.equal(decodeFormContext(text), undefined, String(text));
    }
  });
});

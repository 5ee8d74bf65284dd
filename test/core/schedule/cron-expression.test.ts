import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseCron, validateCron } from '../../../src/core/schedule/cron-expression.ts';
import { describeCron } from '../../../src/core/schedule/describe-cron.ts';

describe('validateCron', () => {
  it('accepts five- and six-field expressions, names and nicknames', () => {
    for (const ok of [
      '0 2 * * *',
      '*/1 * * * * *',
      '0 9 * * MON-FRI',
      '0 0 1 jan *',
      '@daily',
      '0 2 * * 7',
      '0 0 ? * *',
    ]) {
      assert.equal(validateCron(ok), undefined, ok);
    }
  });

  it('says which field is wrong and what is allowed, in one sentence', () => {
    const cases: [string, RegExp][] = [
      ['0 25 * * *', /^The hour field "25" is out of range; hour values go from 0 to 23\.$/],
      ['0 2 * *', /has 5 fields .* but "0 2 \* \*" has 4\.$/],
      ['*/0 * * * *', /step "0"; a step is a whole number of at least 1\.$/],
      ['5-1 * * * *', /runs backwards/],
      ['0 0 L * *', /uses L, W or #/],
      ['a b c d e', /^The minute field "a" is not understood/],
      ['1,,2 * * * *', /empty list item/],
      ['0 0 30 2 *', /is not valid: .*impossible day/],
    ];
    for (const [expression, message] of cases) {
      const error = validateCron(expression);
      assert.ok(error, expression);
      assert.match(error, message);
      assert.equal(error.split(/[.;]\s+[A-Z]/).length, 1, `one sentence: ${error}`);
    }
  });

  it('reads 7 as Sunday and expands steps within the field', () => {
    const parsed = parseCron('0 */6 * * 7');
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.fields.hours, [0, 6, 12, 18]);
    assert.deepEqual([...parsed.fields.daysOfWeek], [0]);
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        const result = parseCron(text);
        assert.equal(typeof result.ok, 'boolean');
      }),
    );
  });
});

describe('describeCron', () => {
  it('says a daily time in words, 24-hour clock', () => {
    assert.equal(describeCron('0 2 * * *'), 'At 02:00, every day');
    assert.equal(describeCron('0 9 * * 1-5'), 'At 09:00, Monday through Friday');
  });
});

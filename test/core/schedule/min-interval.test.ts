import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCron } from '../../../src/core/schedule/cron-expression.ts';
import { checkMinInterval, smallestGapSeconds } from '../../../src/core/schedule/min-interval.ts';

const from = new Date('2026-01-01T00:00:00Z');

function check(expression: string, minSeconds: number): string | undefined {
  const parsed = parseCron(expression);
  assert.ok(parsed.ok);
  return checkMinInterval(expression, parsed.fields, 'UTC', from, minSeconds);
}

describe('minimum interval', () => {
  it('finds the smallest gap, not the first one', () => {
    const parsed = parseCron('0 0,1,12 * * *');
    assert.ok(parsed.ok);
    assert.equal(smallestGapSeconds(parsed.fields, 'UTC', from), 3600);
  });

  it('refuses schedules firing more often than the minimum, in one sentence', () => {
    assert.equal(check('* * * * *', 60), undefined);
    assert.equal(
      check('*/30 * * * * *', 60),
      `"*/30 * * * * *" fires as often as every 30 seconds, but a schedule's fires must be at least 1 minute apart (TRAINYARD_SCHEDULE_MIN_INTERVAL=60).`,
    );
    assert.match(check('0,5 * * * *', 3600) ?? '', /every 5 minutes, .* at least 1 hour apart/);
  });

  it('allows anything, second-level expressions included, when the minimum is 0', () => {
    assert.equal(check('* * * * * *', 0), undefined);
  });
});

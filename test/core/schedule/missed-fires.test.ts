import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCron } from '../../../src/core/schedule/cron-expression.ts';
import { planMissedFires } from '../../../src/core/schedule/missed-fires.ts';

const daily = (() => {
  const parsed = parseCron('0 2 * * *');
  assert.ok(parsed.ok);
  return parsed.fields;
})();
const schedule = { timezone: 'UTC', startingDeadlineSeconds: 3600 };

describe('planMissedFires', () => {
  it('runs the most recent missed fire when it is within the starting deadline', () => {
    const plan = planMissedFires(
      schedule,
      daily,
      new Date('2026-01-01T02:00:00Z'),
      new Date('2026-01-02T02:12:00Z'),
    );
    assert.deepEqual(plan.run, new Date('2026-01-02T02:00:00Z'));
    assert.equal(plan.skippedCount, 0);
  });

  it('reports older misses without running them', () => {
    const plan = planMissedFires(
      schedule,
      daily,
      new Date('2026-01-01T02:00:00Z'),
      new Date('2026-01-04T02:30:00Z'),
    );
    assert.deepEqual(plan.run, new Date('2026-01-04T02:00:00Z'));
    assert.equal(plan.skippedCount, 2);
    assert.deepEqual(plan.skipped, [new Date('2026-01-02T02:00:00Z'), new Date('2026-01-03T02:00:00Z')]);
    assert.deepEqual(plan.handledUntil, new Date('2026-01-04T02:00:00Z'));
  });

  it('runs nothing when even the newest miss is past the deadline', () => {
    const plan = planMissedFires(
      schedule,
      daily,
      new Date('2026-01-01T02:00:00Z'),
      new Date('2026-01-02T03:00:01Z'),
    );
    assert.equal(plan.run, undefined);
    assert.equal(plan.skippedCount, 1);
    assert.deepEqual(plan.handledUntil, new Date('2026-01-02T02:00:00Z'));
  });

  it('has nothing to do when no fire passed', () => {
    const plan = planMissedFires(
      schedule,
      daily,
      new Date('2026-01-01T02:00:00Z'),
      new Date('2026-01-02T01:59:59Z'),
    );
    assert.deepEqual(plan, { skipped: [], skippedCount: 0 });
  });

  it('lists at most 20 skipped fires but counts all of them', () => {
    const hourly = parseCron('0 * * * *');
    assert.ok(hourly.ok);
    const plan = planMissedFires(
      schedule,
      hourly.fields,
      new Date('2026-01-01T00:00:00Z'),
      new Date('2026-01-03T00:30:00Z'),
    );
    assert.equal(plan.skippedCount, 47);
    assert.equal(plan.skipped.length, 20);
    assert.deepEqual(plan.run, new Date('2026-01-03T00:00:00Z'));
  });
});

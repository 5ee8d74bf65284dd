import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createTask } from 'node-cron';
import { parseCron } from '../../../src/core/schedule/cron-expression.ts';
import { nextFireTimes } from '../../../src/core/schedule/fire-times.ts';
import { offsetAt } from '../../../src/core/schedule/zoned-time.ts';

const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Australia/Sydney',
  'Asia/Kolkata',
  'America/Sao_Paulo',
];

/** A field as a value, a range, a list or a step within its bounds. */
function field(min: number, max: number): fc.Arbitrary<string> {
  const value = fc.integer({ min, max });
  return fc.oneof(
    fc.constant('*'),
    value.map(String),
    fc.tuple(value, value).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
    fc.uniqueArray(value, { minLength: 2, maxLength: 4 }).map((vs) => vs.join(',')),
    fc.integer({ min: 1, max: Math.max(1, max - min) }).map((step) => `*/${step}`),
  );
}

/** Expressions with at most one restricted day field, where node-cron's day rule and cron's agree. */
const expression = fc
  .tuple(field(0, 59), field(0, 23), field(1, 28), field(1, 12), field(0, 6), fc.boolean())
  .map(([min, hour, dom, month, dow, byWeekday]) =>
    [min, hour, byWeekday ? '*' : dom, month, byWeekday ? dow : '*'].join(' '),
  );

const from = fc.date({
  min: new Date('2025-01-01T00:00:00Z'),
  max: new Date('2030-12-31T00:00:00Z'),
  noInvalidDate: true,
});

describe('nextFireTimes (properties)', () => {
  it('gives increasing times after `from`, each one node-cron also matches unless it is a spring-gap fire', () => {
    fc.assert(
      fc.property(expression, fc.constantFrom(...ZONES), from, (cron, zone, start) => {
        const parsed = parseCron(cron);
        assert.ok(parsed.ok, cron);
        const fires = nextFireTimes(parsed.fields, zone, start, 5);
        assert.ok(fires.length > 0);
        const task = createTask(cron, () => {}, { timezone: zone });
        let previous = start.getTime();
        for (const fire of fires) {
          assert.ok(
            fire.getTime() > previous,
            `${cron} in ${zone}: ${fire.toISOString()} not after ${new Date(previous).toISOString()}`,
          );
          previous = fire.getTime();
          // A fire moved to the moment clocks jump forward shows a wall time the expression does not name.
          const atJump = offsetAt(fire.getTime() - 1000, zone) !== offsetAt(fire.getTime(), zone);
          if (!atJump)
            assert.ok(task.match(fire), `${cron} in ${zone}: node-cron does not match ${fire.toISOString()}`);
        }
        task.destroy();
      }),
      { numRuns: 300 },
    );
  });
});

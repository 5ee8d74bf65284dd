import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CronFields, parseCron } from '../../../src/core/schedule/cron-expression.ts';
import { fireTimesBetween, nextFireTimes } from '../../../src/core/schedule/fire-times.ts';

function fields(expression: string): CronFields {
  const parsed = parseCron(expression);
  assert.ok(parsed.ok, `expected "${expression}" to parse`);
  return parsed.fields;
}

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('nextFireTimes', () => {
  it('fires a daily time in the schedule zone', () => {
    const fires = nextFireTimes(fields('0 2 * * *'), 'Europe/Berlin', new Date('2026-01-10T12:00:00Z'), 2);
    assert.deepEqual(iso(fires), ['2026-01-11T01:00:00.000Z', '2026-01-12T01:00:00.000Z']);
  });

  it('returns times strictly after `from`', () => {
    const fires = nextFireTimes(fields('0 2 * * *'), 'UTC', new Date('2026-01-10T02:00:00Z'), 1);
    assert.deepEqual(iso(fires), ['2026-01-11T02:00:00.000Z']);
  });

  it('spring forward in Berlin: 02:30 does not exist on 2026-03-29 and fires at 03:00 CEST', () => {
    const fires = nextFireTimes(fields('30 2 * * *'), 'Europe/Berlin', new Date('2026-03-27T12:00:00Z'), 3);
    assert.deepEqual(iso(fires), [
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-29T01:00:00.000Z', // the jump: 03:00 CEST
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
    ]);
  });

  it('autumn in Berlin: 02:30 happens twice on 2026-10-25 and fires once, at the first', () => {
    const fires = nextFireTimes(fields('30 2 * * *'), 'Europe/Berlin', new Date('2026-10-24T12:00:00Z'), 2);
    assert.deepEqual(iso(fires), [
      '2026-10-25T00:30:00.000Z', // 02:30 CEST, first pass
      '2026-10-26T01:30:00.000Z', // next day, 02:30 CET
    ]);
  });

  it('autumn: starting inside the repeated hour does not fire the second pass', () => {
    const fires = nextFireTimes(fields('30 2 * * *'), 'Europe/Berlin', new Date('2026-10-25T01:00:00Z'), 1);
    assert.deepEqual(iso(fires), ['2026-10-26T01:30:00.000Z']);
  });

  it('collapses several missing spring times into one fire at the jump', () => {
    const fires = nextFireTimes(
      fields('0,30 2,3 * * *'),
      'Europe/Berlin',
      new Date('2026-03-29T00:00:00Z'),
      3,
    );
    assert.deepEqual(iso(fires), [
      '2026-03-29T01:00:00.000Z',
      '2026-03-29T01:30:00.000Z',
      '2026-03-30T00:00:00.000Z',
    ]);
  });

  it('supports six-field second expressions', () => {
    const fires = nextFireTimes(fields('*/20 * * * * *'), 'UTC', new Date('2026-01-01T00:00:05Z'), 3);
    assert.deepEqual(iso(fires), [
      '2026-01-01T00:00:20.000Z',
      '2026-01-01T00:00:40.000Z',
      '2026-01-01T00:01:00.000Z',
    ]);
  });

  it('treats restricted day-of-month and day-of-week as either/or, like cron', () => {
    const fires = nextFireTimes(fields('0 0 1 * MON'), 'UTC', new Date('2026-06-26T00:00:00Z'), 3);
    // Mon 29 June, Wed 1 July (the 1st), Mon 6 July.
    assert.deepEqual(iso(fires), [
      '2026-06-29T00:00:00.000Z',
      '2026-07-01T00:00:00.000Z',
      '2026-07-06T00:00:00.000Z',
    ]);
  });

  it('reaches the next 29 February', () => {
    const fires = nextFireTimes(fields('0 12 29 2 *'), 'UTC', new Date('2026-03-01T00:00:00Z'), 1);
    assert.deepEqual(iso(fires), ['2028-02-29T12:00:00.000Z']);
  });

  it('takes the expression as text too, and gives no fires for one that does not parse', () => {
    const fires = nextFireTimes('@daily', 'UTC', new Date('2026-01-01T12:00:00Z'), 1);
    assert.deepEqual(iso(fires), ['2026-01-02T00:00:00.000Z']);
    assert.deepEqual(nextFireTimes('not cron', 'UTC', new Date(), 3), []);
  });

  it('handles zones with half-hour offsets', () => {
    const fires = nextFireTimes(fields('0 9 * * *'), 'Asia/Kolkata', new Date('2026-01-01T00:00:00Z'), 1);
    assert.deepEqual(iso(fires), ['2026-01-01T03:30:00.000Z']);
  });
});

describe('fireTimesBetween', () => {
  it('lists the fires in (after, until], oldest first', () => {
    const fires = [
      ...fireTimesBetween(
        fields('0 * * * *'),
        'UTC',
        new Date('2026-01-01T01:00:00Z'),
        new Date('2026-01-01T04:00:00Z'),
      ),
    ];
    assert.deepEqual(iso(fires), [
      '2026-01-01T02:00:00.000Z',
      '2026-01-01T03:00:00.000Z',
      '2026-01-01T04:00:00.000Z',
    ]);
  });

  it('fires every minute of a Berlin autumn day once: 25 hours of wall time minus the repeated hour', () => {
    const fires = [
      ...fireTimesBetween(
        fields('* * * * *'),
        'Europe/Berlin',
        new Date('2026-10-24T21:59:00Z'), // 23:59 CEST on the 24th
        new Date('2026-10-25T22:59:00Z'), // 23:59 CET on the 25th
      ),
    ];
    assert.equal(fires.length, 24 * 60);
    assert.equal(new Set(iso(fires)).size, fires.length);
  });
});

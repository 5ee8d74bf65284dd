import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Schedule } from '../../../src/core/schedule/schedule.ts';
import { renderSchedulesText, renderScheduleText } from '../../../src/views/text/schedule-text.ts';
import { makeRun } from '../../support/make-run.ts';

const nightly: Schedule = {
  name: 'nightly',
  cron: '0 2 * * *',
  timezone: 'Europe/Berlin',
  template: 'resnet',
  params: { epochs: '50' },
  options: {},
  policy: 'forbid',
  channel: 'C_TEAM',
  owner: 'U_OWNER',
  paused: false,
  createdAt: '2026-01-10T12:00:00.000Z',
  startingDeadlineSeconds: 3600,
};
const now = new Date('2026-01-10T12:00:00Z');

describe('renderScheduleText', () => {
  it('shows what, when in words and zone, the next fires, policy, owner and how to manage it', () => {
    const text = renderScheduleText(
      {
        kind: 'schedule',
        schedule: nightly,
        nextFires: [new Date('2026-01-11T01:00:00Z'), new Date('2026-01-12T01:00:00Z')],
        description: 'At 02:00, every day',
      },
      now,
    );
    assert.equal(
      text,
      [
        '⏰ Schedule nightly',
        '   runs: resnet epochs=50',
        '   when: At 02:00, every day  ·  0 2 * * *  ·  Europe/Berlin',
        '   next: Sun 11 Jan 2026 02:00 CET (in 13h 00m)',
        '         Mon 12 Jan 2026 02:00 CET',
        '   policy: forbid (skips a run while the previous one is still active)',
        '   owner: @U_OWNER  ·  announces in C_TEAM',
        '   manage: /train pause nightly  ·  /train unschedule nightly',
      ].join('\n'),
    );
  });

  it('shows seconds for a second-level schedule', () => {
    const text = renderScheduleText(
      {
        kind: 'schedule',
        schedule: { ...nightly, cron: '*/3 * * * * *', timezone: 'UTC' },
        nextFires: [new Date('2026-01-10T12:00:03Z'), new Date('2026-01-10T12:00:06Z')],
        description: 'Every 3 seconds',
      },
      now,
    );
    assert.match(text, /next: Sat 10 Jan 2026 12:00:03 UTC \(in 3s\)\n {9}Sat 10 Jan 2026 12:00:06 UTC/);
  });

  it('offers resume for a paused schedule and shows no next fires', () => {
    const text = renderScheduleText(
      {
        kind: 'schedule',
        schedule: { ...nightly, paused: true },
        nextFires: [now],
        description: 'At 02:00, every day',
      },
      now,
    );
    assert.match(text, /^⏰ Schedule nightly {2}\(paused\)/);
    assert.doesNotMatch(text, /next:/);
    assert.match(text, /\/train resume nightly/);
  });
});

describe('renderSchedulesText', () => {
  it('lists each schedule with its next fire and last run result', () => {
    const lastRun = makeRun({ number: 57, state: 'succeeded' });
    const text = renderSchedulesText(
      {
        kind: 'schedules',
        schedules: [
          { schedule: nightly, nextFire: new Date('2026-01-11T01:00:00Z'), lastRun },
          { schedule: { ...nightly, name: 'weekly', paused: true } },
        ],
      },
      now,
    );
    const lines = text.split('\n');
    assert.equal(lines[0], '2 schedules:');
    assert.equal(lines[1], '⏰ nightly  resnet epochs=50');
    assert.match(
      lines[2],
      /At 02:00, every day \(Europe\/Berlin\) {2}· {2}next Sun 11 Jan 2026 02:00 CET \(in 13h 00m\)/,
    );
    assert.match(lines[2], /last run #57 ✅ succeeded/);
    assert.match(lines[4], /paused {2}· {2}no run yet/);
  });

  it('says how to create one when there are none', () => {
    assert.match(
      renderSchedulesText({ kind: 'schedules', schedules: [] }, now),
      /^No schedules yet\. Try: \/train schedule/,
    );
  });
});

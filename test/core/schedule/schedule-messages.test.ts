import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFireTime, scheduleMessages } from '../../../src/core/schedule/schedule-messages.ts';
import { checkScheduleName, defaultScheduleName } from '../../../src/core/schedule/schedule-name.ts';

describe('schedule messages', () => {
  it('announces a started run and a skipped one', () => {
    assert.equal(scheduleMessages.started('nightly', 57), '⏰ nightly started run #57');
    assert.equal(
      scheduleMessages.stillRunning('nightly', 56),
      '⏰ nightly skipped: run #56 is still running',
    );
  });

  it('says how late a missed run starts, in the schedule zone', () => {
    const text = scheduleMessages.startedLate(
      'nightly',
      57,
      new Date('2026-01-10T01:00:00Z'),
      'Europe/Berlin',
      new Date('2026-01-10T01:12:00Z'),
    );
    assert.equal(text, '⏰ nightly: running the 02:00 run 12 minutes late (Trainyard was down) as run #57');
  });

  it('shows the day when a fire time is not today', () => {
    assert.equal(
      formatFireTime(new Date('2026-01-09T01:00:00Z'), 'Europe/Berlin', new Date('2026-01-10T12:00:00Z')),
      'Fri 9 Jan 02:00',
    );
  });
});

describe('schedule names', () => {
  it('defaults to <template>-<n> with the first free n', () => {
    assert.equal(defaultScheduleName('resnet', new Set(['resnet-1', 'resnet-3'])), 'resnet-2');
  });

  it('refuses names that cannot be a label value', () => {
    assert.equal(checkScheduleName('nightly'), undefined);
    assert.match(checkScheduleName('my schedule') ?? '', /cannot name a schedule/);
    assert.match(checkScheduleName('-x') ?? '', /cannot name a schedule/);
  });
});

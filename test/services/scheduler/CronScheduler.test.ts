import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Command } from '../../../src/core/command/command.ts';
import type { Reply } from '../../../src/core/reply.ts';
import { sentenceText } from '../../../src/core/sentence.ts';
import type { LaunchRequest } from '../../../src/ports/launcher.ts';
import { CronScheduler } from '../../../src/services/scheduler/CronScheduler.ts';
import { silentLogger } from '../../../src/shared/log.ts';
import { ManualClock } from '../../support/manual-clock.ts';
import { MemoryStore } from '../../support/memory-store.ts';
import { RecordingChat } from '../../support/recording-chat.ts';
import { RecordingLauncher } from '../../support/recording-launcher.ts';

const owner = { user: 'U_OWNER', channel: 'C_TEAM' };
const stranger = { user: 'U_OTHER', channel: 'C_TEAM' };
const admin = { user: 'U_ADMIN', channel: 'C_OPS' };

/** Accepts the `resnet` template with an integer `epochs`, as the run service's check would. */
const validate = ({ template, params }: LaunchRequest) => {
  if (template !== 'resnet') return `There is no template named "${template}"; /train templates lists them.`;
  if (params.epochs !== undefined && !/^\d+$/.test(params.epochs))
    return `epochs must be a whole number, not "${params.epochs}".`;
  return undefined;
};

interface Harness {
  clock: ManualClock;
  chat: RecordingChat;
  launcher: RecordingLauncher;
  store: MemoryStore;
  scheduler: CronScheduler;
  /** Moves time on, letting the scheduler finish each wake-up before the next. */
  advanceTo(to: string): Promise<void>;
  announcements(): string[];
}
const open: Harness[] = [];

function harness(start: string, store = new MemoryStore(), minIntervalSeconds = 60): Harness {
  const clock = new ManualClock(start);
  const chat = new RecordingChat();
  const launcher = new RecordingLauncher(store, clock.now);
  launcher.checkWith = validate;
  const scheduler = new CronScheduler({
    store,
    launcher,
    chat,
    policy: { isAdmin: (u) => u === 'U_ADMIN' },
    log: silentLogger,
    timezone: 'UTC',
    minIntervalSeconds,
    now: clock.now,
    createTimer: clock.createTimer,
  });
  const h: Harness = {
    clock,
    chat,
    launcher,
    store,
    scheduler,
    advanceTo: (to: string) => clock.advanceTo(to, () => scheduler.idle()),
    announcements: () => chat.announcements.map((a) => a.text),
  };
  open.push(h);
  return h;
}

afterEach(async () => {
  for (const h of open.splice(0)) await h.scheduler.close();
});

type CreateCommand = Extract<Command, { verb: 'schedule' }>;

function scheduleCommand(cron: string, extra: Partial<CreateCommand> = {}): CreateCommand {
  return { verb: 'schedule', cron, template: 'resnet', params: { epochs: '50' }, ...extra };
}

function errorText(reply: Reply): string {
  assert.equal(reply.kind, 'error', `expected an error, got ${JSON.stringify(reply)}`);
  return reply.kind === 'error' ? sentenceText(reply.text) : '';
}

describe('CronScheduler: creating', () => {
  it('answers with the schedule card: words, zone, next three fires', async () => {
    const h = harness('2026-01-10T12:00:00Z');
    await h.scheduler.start();
    const reply = await h.scheduler.execute(
      scheduleCommand('0 2 * * *', { name: 'nightly', timezone: 'Europe/Berlin' }),
      owner,
    );
    assert.equal(reply.kind, 'schedule');
    if (reply.kind !== 'schedule') return;
    assert.equal(reply.description, 'At 02:00, every day');
    assert.equal(reply.schedule.policy, 'forbid');
    assert.equal(reply.schedule.owner, 'U_OWNER');
    assert.equal(reply.schedule.channel, 'C_TEAM');
    assert.deepEqual(
      reply.nextFires.map((d) => d.toISOString()),
      ['2026-01-11T01:00:00.000Z', '2026-01-12T01:00:00.000Z', '2026-01-13T01:00:00.000Z'],
    );
    assert.equal(h.store.getSchedule('nightly')?.timezone, 'Europe/Berlin');
  });

  it('names a schedule after its template when no name is given', async () => {
    const h = harness('2026-01-10T12:00:00Z');
    await h.scheduler.execute(scheduleCommand('0 2 * * *'), owner);
    await h.scheduler.execute(scheduleCommand('0 3 * * *'), owner);
    assert.deepEqual(
      h.store
        .listSchedules()
        .map((s) => s.name)
        .sort(),
      ['resnet-1', 'resnet-2'],
    );
  });

  it('refuses bad input with one sentence and stores nothing', async () => {
    const h = harness('2026-01-10T12:00:00Z');
    await h.scheduler.execute(scheduleCommand('0 2 * * *', { name: 'nightly' }), owner);
    const cases: [CreateCommand, RegExp][] = [
      [scheduleCommand('0 25 * * *', { name: 'a' }), /hour field "25" is out of range/],
      [
        scheduleCommand('0 2 * * *', { name: 'b', timezone: 'Europe/Berln' }),
        /"Europe\/Berln" is not a time zone .* Did you mean "Europe\/Berlin"\?/,
      ],
      [scheduleCommand('0 3 * * *', { name: 'nightly' }), /A schedule named "nightly" already exists/],
      [
        scheduleCommand('*/10 * * * * *', { name: 'c' }),
        /at least 1 minute apart \(TRAINYARD_SCHEDULE_MIN_INTERVAL=60\)/,
      ],
      [scheduleCommand('0 2 * * *', { name: 'd', template: 'resnot' }), /no template named "resnot"/],
      [
        scheduleCommand('0 2 * * *', { name: 'e', params: { epochs: 'many' } }),
        /epochs must be a whole number/,
      ],
      [scheduleCommand('0 0 31 2 *', { name: 'f' }), /not valid/],
      [scheduleCommand('0 2 * * *', { name: 'bad name' }), /cannot name a schedule/],
    ];
    for (const [command, message] of cases) {
      assert.match(errorText(await h.scheduler.execute(command, owner)), message);
    }
    assert.deepEqual(
      h.store.listSchedules().map((s) => s.name),
      ['nightly'],
    );
  });

  it('allows second-level expressions when the minimum interval is 0', async () => {
    const h = harness('2026-01-10T12:00:00Z', new MemoryStore(), 0);
    const reply = await h.scheduler.execute(scheduleCommand('*/1 * * * * *', { name: 'fast' }), owner);
    assert.equal(reply.kind, 'schedule');
  });
});

describe('CronScheduler: firing', () => {
  it('launches as the owner, from the schedule, and announces it in its channel', async () => {
    const h = harness('2026-01-10T12:00:00Z');
    await h.scheduler.start();
    await h.scheduler.execute(scheduleCommand('0 2 * * *', { name: 'nightly' }), owner);
    await h.advanceTo('2026-01-11T02:00:00Z');
    assert.equal(h.launcher.launches.length, 1);
    const { request, run } = h.launcher.launches[0];
    assert.deepEqual(request, {
      template: 'resnet',
      params: { epochs: '50' },
      options: {},
      user: 'U_OWNER',
      channel: 'C_TEAM',
      origin: { kind: 'schedule', name: 'nightly' },
    });
    assert.deepEqual(h.chat.announcements, [
      { channel: 'C_TEAM', text: `⏰ nightly started run #${run?.number}` },
    ]);
    const stored = h.store.getSchedule('nightly');
    assert.equal(stored?.lastFireAt, '2026-01-11T02:00:00.000Z');
    assert.equal(stored?.lastRunId, run?.id);
  });

  it('forbid: skips while the previous run is active and says so', async () => {
    const h = harness('2026-01-10T12:00:00Z');
    await h.scheduler.execute(scheduleCommand('0 * * * *', { name: 'hourly' }), owner);
    await h.advanceTo('2026-01-10T13:00:00Z');
    await h.advanceTo('2026-01-10T14:00:00Z');
    assert.equal(h.launcher.launches.length, 1);
    const first = h.launcher.launches[0].run;
    assert.equal(h.announcements()[1], `⏰ hourly skipped: run #${first?.number} is still running`);
    h.launcher.end(first?.id ?? '');
    await h.advanceTo('2026-01-10T15:00:00Z');
    assert.equal(h.launcher.launches.length, 2);
  });

  it('allow: starts a run even while the previous one is active', async () => {
    const h = harness('2026-01-10T12:00:00Z');
    await h.scheduler.execute(scheduleCommand('0 * * * *', { name: 'hourly', policy: 'allow' }), owner);
    await h.advanceTo('2026-01-10T14:00:00Z');
    assert.equal(h.launcher.launches.length, 2);
    assert.equal(h.launcher.stops.length, 0);
  });

  it('replace: stops the previous run, then starts the new one', async () => {
    const h = harness('2026-01-10T12:00:00Z');
    await h.scheduler.execute(scheduleCommand('0 * * * *', { name: 'hourly', policy: 'replace' }), owner);
    await h.advanceTo('2026-01-10T14:00:00Z');
    assert.equal(h.launcher.launches.length, 2);
    const [first, second] = h.launcher.launches.map((l) => l.run);
    assert.deepEqual(
      h.launcher.stops.map((s) => s.runId),
      [first?.id],
    );
    assert.equal(h.store.getRun(first?.id ?? '')?.state, 'stopped');
    assert.equal(
      h.announcements()[1],
      `⏰ hourly stopped run #${first?.number} and started run #${second?.number}`,
    );
  });

  it('announces a template that became invalid, skips, and keeps firing later', async () => {
    const h = harness('2026-01-10T12:00:00Z');
    await h.scheduler.execute(scheduleCommand('0 * * * *', { name: 'hourly' }), owner);
    h.launcher.refuse = 'There is no template named "resnet"; /train templates lists them.';
    await h.advanceTo('2026-01-10T13:00:00Z');
    assert.equal(
      h.announcements()[0],
      '⚠️ hourly skipped this run: There is no template named "resnet"; /train templates lists them.',
    );
    h.launcher.refuse = undefined;
    await h.advanceTo('2026-01-10T14:00:00Z');
    assert.equal(h.launcher.launches.filter((l) => l.run).length, 1);
  });

  it('survives a launcher that throws', async () => {
    const h = harness('2026-01-10T12:00:00Z');
    await h.scheduler.execute(scheduleCommand('0 * * * *', { name: 'hourly', policy: 'allow' }), owner);
    const real = h.launcher.launch.bind(h.launcher);
    h.launcher.launch = async () => {
      throw new Error('boom');
    };
    await h.advanceTo('2026-01-10T13:00:00Z');
    assert.match(
      h.announcements()[0],
      /hourly skipped this run: Trainyard could not start the run because of an internal error\./,
    );
    h.launcher.launch = real;
    await h.advanceTo('2026-01-10T14:00:00Z');
    assert.equal(h.launcher.launches.length, 1);
  });

  it('fires across Berlin clock changes: at the jump in spring, once in autumn', async () => {
    const h = harness('2026-03-28T12:00:00Z');
    await h.scheduler.execute(
      scheduleCommand('30 2 * * *', { name: 'nightly', timezone: 'Europe/Berlin', policy: 'allow' }),
      owner,
    );
    await h.advanceTo('2026-03-30T12:00:00Z');
    await h.advanceTo('2026-10-24T12:00:00Z');
    const before = h.launcher.launches.length;
    await h.advanceTo('2026-10-26T12:00:00Z');
    const times = h.launcher.launches.map((l) => l.at.toISOString());
    assert.deepEqual(times.slice(0, 2), ['2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']);
    assert.deepEqual(times.slice(before), ['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });
});

describe('CronScheduler: managing', () => {
  it('lists schedules with their next fire and last run', async () => {
    const h = harness('2026-01-10T12:00:00Z');
    await h.scheduler.execute(scheduleCommand('0 * * * *', { name: 'hourly' }), owner);
    await h.scheduler.execute(scheduleCommand('0 2 * * *', { name: 'nightly' }), owner);
    await h.advanceTo('2026-01-10T13:30:00Z');
    const reply = await h.scheduler.execute({ verb: 'schedules' }, stranger);
    assert.equal(reply.kind, 'schedules');
    if (reply.kind !== 'schedules') return;
    const [hourly, nightly] = reply.schedules;
    assert.equal(hourly.schedule.name, 'hourly');
    assert.equal(hourly.nextFire?.toISOString(), '2026-01-10T14:00:00.000Z');
    assert.equal(hourly.lastRun?.state, 'running');
    assert.equal(nightly.lastRun, undefined);
  });

  it('pause stops fires, resume restarts them without catching up', async () => {
    const h = harness('2026-01-10T12:00:00Z');
    await h.scheduler.execute(scheduleCommand('0 * * * *', { name: 'hourly', policy: 'allow' }), owner);
    assert.equal((await h.scheduler.execute({ verb: 'pause', name: 'hourly' }, owner)).kind, 'info');
    await h.advanceTo('2026-01-10T15:30:00Z');
    assert.equal(h.launcher.launches.length, 0);
    const resumed = await h.scheduler.execute({ verb: 'resume', name: 'hourly' }, owner);
    assert.match(
      resumed.kind === 'info' ? sentenceText(resumed.text) : '',
      /^Resumed "hourly"; next run Sat 10 Jan 2026 16:00 UTC\.$/,
    );
    await h.advanceTo('2026-01-10T16:00:00Z');
    assert.deepEqual(
      h.launcher.launches.map((l) => l.at.toISOString()),
      ['2026-01-10T16:00:00.000Z'],
    );
  });

  it('lets only the owner or an admin change a schedule', async () => {
    const h = harness('2026-01-10T12:00:00Z');
    await h.scheduler.execute(scheduleCommand('0 2 * * *', { name: 'nightly' }), owner);
    assert.equal(
      errorText(await h.scheduler.execute({ verb: 'unschedule', name: 'nightly' }, stranger)),
      'Only the owner of "nightly" or an admin can delete it.',
    );
    assert.equal(
      errorText(await h.scheduler.runNow('nightly', stranger)),
      'Only the owner of "nightly" or an admin can run it.',
    );
    assert.equal((await h.scheduler.execute({ verb: 'unschedule', name: 'nightly' }, admin)).kind, 'info');
    assert.equal(h.store.getSchedule('nightly'), undefined);
    await h.advanceTo('2026-01-12T12:00:00Z');
    assert.equal(h.launcher.launches.length, 0);
  });

  it('suggests the closest name for an unknown schedule', async () => {
    const h = harness('2026-01-10T12:00:00Z');
    await h.scheduler.execute(scheduleCommand('0 2 * * *', { name: 'nightly' }), owner);
    assert.equal(
      errorText(await h.scheduler.execute({ verb: 'pause', name: 'nighty' }, owner)),
      'There is no schedule named "nighty"; /train schedules lists them. Did you mean "nightly"?',
    );
  });

  it('Run now launches at once, as the presser, and respects forbid', async () => {
    const h = harness('2026-01-10T12:00:00Z');
    await h.scheduler.execute(scheduleCommand('0 2 * * *', { name: 'nightly' }), owner);
    const started = await h.scheduler.runNow('nightly', admin);
    assert.equal(started.kind, 'info');
    assert.equal(h.launcher.launches[0].request.user, 'U_ADMIN');
    assert.deepEqual(h.launcher.launches[0].request.origin, { kind: 'schedule', name: 'nightly' });
    const refused = errorText(await h.scheduler.runNow('nightly', owner));
    assert.match(
      refused,
      /^Run #\d+ of "nightly" is still running and its policy is forbid; wait for it to end or stop it first\.$/,
    );
  });
});

describe('CronScheduler: restarts', () => {
  /** The store of a scheduler that ran `nightly` (02:00, policy allow) on the 11th and then shut down. */
  async function storeAfterNightlyFired(): Promise<MemoryStore> {
    const store = new MemoryStore();
    const before = harness('2026-01-10T12:00:00Z', store);
    await before.scheduler.execute(scheduleCommand('0 2 * * *', { name: 'nightly', policy: 'allow' }), owner);
    await before.advanceTo('2026-01-11T02:00:00Z');
    await before.scheduler.close();
    return store;
  }

  it('runs the most recent missed fire once, late, and reports older ones', async () => {
    const store = await storeAfterNightlyFired();

    // Down from just after the 11th's fire until 02:12 on the 14th: the 12th and 13th are too old.
    const after = harness('2026-01-14T02:12:00Z', store);
    await after.scheduler.start();
    assert.deepEqual(after.announcements(), [
      '⏰ nightly: 2 runs were missed while Trainyard was down and will not run (Mon 12 Jan 02:00, Tue 13 Jan 02:00)',
      `⏰ nightly: running the 02:00 run 12 minutes late (Trainyard was down) as run #${after.launcher.launches[0].run?.number}`,
    ]);
    assert.equal(after.launcher.launches.length, 1);
    assert.equal(store.getSchedule('nightly')?.lastFireAt, '2026-01-14T02:00:00.000Z');
  });

  it('never fires the same scheduled time twice across a restart', async () => {
    const store = await storeAfterNightlyFired();
    const after = harness('2026-01-11T02:00:00Z', store);
    await after.scheduler.start();
    await after.advanceTo('2026-01-11T23:00:00Z');
    assert.equal(after.launcher.launches.length, 0);
    assert.deepEqual(after.clock.armed(), [new Date('2026-01-12T02:00:00Z')]);
  });

  it('skips a missed fire older than the starting deadline and arms the next one', async () => {
    const store = new MemoryStore();
    const before = harness('2026-01-10T12:00:00Z', store);
    await before.scheduler.execute(scheduleCommand('0 2 * * *', { name: 'nightly' }), owner);
    await before.scheduler.close();
    const after = harness('2026-01-11T05:00:00Z', store);
    await after.scheduler.start();
    assert.equal(after.launcher.launches.length, 0);
    assert.deepEqual(after.announcements(), [
      '⏰ nightly: 1 run was missed while Trainyard was down and will not run (Sun 11 Jan 02:00)',
    ]);
    await after.scheduler.close();
    const again = harness('2026-01-11T05:30:00Z', store);
    await again.scheduler.start();
    assert.deepEqual(again.announcements(), [], 'a reported miss is not reported again');
  });

  it('treats fires missed while the process stalled like a restart: the latest runs late, older ones are reported', async () => {
    const h = harness('2026-01-10T12:00:00Z');
    await h.scheduler.execute(scheduleCommand('0 * * * *', { name: 'hourly', policy: 'allow' }), owner);
    await h.clock.jumpTo('2026-01-10T15:10:00Z', () => h.scheduler.idle());
    assert.equal(h.launcher.launches.length, 1);
    assert.deepEqual(h.announcements(), [
      '⏰ hourly: 2 runs were missed while Trainyard was down and will not run (Sat 10 Jan 13:00, Sat 10 Jan 14:00)',
      `⏰ hourly: running the 15:00 run 10 minutes late (Trainyard was down) as run #${h.launcher.launches[0].run?.number}`,
    ]);
    assert.deepEqual(h.clock.armed(), [new Date('2026-01-10T16:00:00Z')]);
  });

  it('does not restore paused schedules and treats time while paused as not missed', async () => {
    const store = new MemoryStore();
    const before = harness('2026-01-10T12:00:00Z', store);
    await before.scheduler.execute(scheduleCommand('0 * * * *', { name: 'hourly' }), owner);
    await before.scheduler.execute({ verb: 'pause', name: 'hourly' }, owner);
    await before.scheduler.close();
    const after = harness('2026-01-10T15:10:00Z', store);
    await after.scheduler.start();
    assert.equal(after.launcher.launches.length, 0);
    assert.deepEqual(after.clock.armed(), []);
    await after.scheduler.execute({ verb: 'resume', name: 'hourly' }, owner);
    await after.advanceTo('2026-01-10T16:00:00Z');
    assert.equal(after.launcher.launches.length, 1);
  });
});

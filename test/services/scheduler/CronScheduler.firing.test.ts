import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import type { SchedulePolicy } from '../../../src/core/command/command.ts';
import { CronScheduler } from '../../../src/services/scheduler/CronScheduler.ts';
import { silentLogger } from '../../../src/shared/log.ts';
import { eventually } from '../../support/eventually.ts';
import { MemoryStore } from '../../support/memory-store.ts';
import { RecordingChat } from '../../support/recording-chat.ts';
import { RecordingLauncher } from '../../support/recording-launcher.ts';

/*
 * The scheduler on its own FireTimer (setTimeout) and its default clock (new Date()), with
 * six-field expressions firing every second and the minimum interval at 0
 * (TRAINYARD_SCHEDULE_MIN_INTERVAL=0). One test runs on the real clock, as a laptop does; the
 * others move Node's mocked clock (node:test mock.timers: setTimeout and Date) a second at a time,
 * so they wait for nothing. Assertions are on counts and order, never on how long anything took.
 */

const owner = { user: 'U_OWNER', channel: 'C_TEAM' };
const EVERY_SECOND = '*/1 * * * * *';
const running: CronScheduler[] = [];

afterEach(async () => {
  for (const s of running.splice(0)) await s.close();
});

function setup(store = new MemoryStore()) {
  const chat = new RecordingChat();
  const launcher = new RecordingLauncher(store);
  /** The scheduled time each launch was for, read from the store as the launch starts. */
  const firedFor: string[] = [];
  const launch = launcher.launch.bind(launcher);
  launcher.launch = async (request) => {
    const schedule = request.origin?.kind === 'schedule' ? request.origin.name : '';
    firedFor.push(store.getSchedule(schedule)?.lastFireAt ?? '');
    return launch(request);
  };
  const scheduler = new CronScheduler({
    store,
    launcher,
    chat,
    policy: { isAdmin: () => false },
    log: silentLogger,
    timezone: 'UTC',
    minIntervalSeconds: 0,
  });
  running.push(scheduler);
  return { store, chat, launcher, scheduler, firedFor };
}

/**
 * Moves the mocked clock on a second at a time, letting the scheduler finish each wake-up, until
 * `condition` holds; fails after `seconds` seconds of (mocked) time.
 */
async function advanceUntil(
  s: ReturnType<typeof setup>,
  what: string,
  condition: () => boolean,
  seconds = 10,
): Promise<void> {
  for (let i = 0; i < seconds && !condition(); i++) {
    mock.timers.tick(1000);
    await s.scheduler.idle();
  }
  assert.ok(condition(), `no ${what} within ${seconds} s`);
}

async function create(s: ReturnType<typeof setup>, name: string, policy: SchedulePolicy) {
  const reply = await s.scheduler.execute(
    { verb: 'schedule', cron: EVERY_SECOND, template: 'demo', params: {}, name, policy },
    owner,
  );
  assert.equal(reply.kind, 'schedule');
}

function assertConsecutiveSeconds(times: string[]): void {
  const ms = times.map((t) => Date.parse(t));
  for (let i = 1; i < ms.length; i++) assert.equal(ms[i] - ms[i - 1], 1000, `fires ${times.join(', ')}`);
}

describe('CronScheduler on the real clock', () => {
  it('allow: fires every second, each scheduled second once', async () => {
    const s = setup();
    await s.scheduler.start();
    await create(s, 'tick', 'allow');
    await eventually('three launches', () => s.launcher.launches.length >= 3);
    await s.scheduler.close();
    assertConsecutiveSeconds(s.firedFor);
    assert.ok(
      s.launcher.launches.every(
        (l) =>
          l.request.origin?.kind === 'schedule' &&
          l.request.origin.name === 'tick' &&
          l.request.user === 'U_OWNER',
      ),
    );
    assert.ok(
      s.chat.announcements.every((a) => a.channel === 'C_TEAM' && /^⏰ tick started run #\d+$/.test(a.text)),
    );
  });
});

describe('CronScheduler on its own timers, with the clock moved by the test', () => {
  beforeEach(() => {
    // Half a second past a whole second, as a clock that was not started on the second would be.
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: new Date('2026-03-02T09:00:00.500Z') });
  });
  afterEach(async () => {
    for (const s of running.splice(0)) await s.close();
    mock.timers.reset();
  });

  it('forbid: skips while the first run is active and says so', async () => {
    const s = setup();
    await create(s, 'tick', 'forbid');
    await advanceUntil(s, 'skip', () => s.chat.announcements.some((a) => a.text.includes('skipped')));
    assert.equal(s.launcher.launches.length, 1);
    const first = s.launcher.launches[0].run;
    assert.ok(
      s.chat.announcements.some((a) => a.text === `⏰ tick skipped: run #${first?.number} is still running`),
    );
    s.launcher.end(first?.id ?? '');
    await advanceUntil(s, 'second launch once the first ended', () => s.launcher.launches.length >= 2);
  });

  it('replace: stops the previous run before starting the next', async () => {
    const s = setup();
    await create(s, 'tick', 'replace');
    await advanceUntil(s, 'two launches', () => s.launcher.launches.length >= 2);
    assert.equal(s.launcher.stops[0].runId, s.launcher.launches[0].run?.id);
    assert.equal(s.store.getRun(s.launcher.launches[0].run?.id ?? '')?.state, 'stopped');
  });

  it('pause holds fires back; resume lets them go on', async () => {
    const s = setup();
    await create(s, 'tick', 'allow');
    await advanceUntil(s, 'launch', () => s.launcher.launches.length >= 1);
    await s.scheduler.execute({ verb: 'pause', name: 'tick' }, owner);
    await s.scheduler.idle();
    const whilePaused = s.launcher.launches.length;
    // Five seconds of fires that must not happen.
    for (let i = 0; i < 5; i++) {
      mock.timers.tick(1000);
      await s.scheduler.idle();
    }
    assert.equal(s.launcher.launches.length, whilePaused);
    await s.scheduler.execute({ verb: 'resume', name: 'tick' }, owner);
    await advanceUntil(s, 'launch after resuming', () => s.launcher.launches.length > whilePaused);
  });

  it('a new scheduler over the same store goes on without firing any second twice', async () => {
    const store = new MemoryStore();
    const before = setup(store);
    await create(before, 'tick', 'allow');
    await advanceUntil(before, 'two launches', () => before.launcher.launches.length >= 2);
    await before.scheduler.close();
    const after = setup(store);
    await after.scheduler.start();
    await advanceUntil(after, 'two launches after the restart', () => after.launcher.launches.length >= 2);
    await after.scheduler.close();
    const all = [...before.firedFor, ...after.firedFor];
    assert.equal(new Set(all).size, all.length, `fires ${all.join(', ')}`);
    assert.ok(Date.parse(after.firedFor[0]) > Date.parse(before.firedFor[before.firedFor.length - 1]));
    assertConsecutiveSeconds(all);
  });
});

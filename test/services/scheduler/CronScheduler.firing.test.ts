import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { SchedulePolicy } from '../../../src/core/command/command.ts';
import { CronScheduler } from '../../../src/services/scheduler/CronScheduler.ts';
import { silentLogger } from '../../../src/shared/log.ts';
import { MemoryStore } from '../../support/memory-store.ts';
import { RecordingChat } from '../../support/recording-chat.ts';
import { RecordingLauncher } from '../../support/recording-launcher.ts';

/*
 * Real timers, real clock: six-field expressions firing every second with the minimum
 * interval at 0 (TRAINYARD_SCHEDULE_MIN_INTERVAL=0). Assertions are on counts and order,
 * never on how long anything took.
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

async function waitFor(what: string, condition: () => boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
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

describe('CronScheduler with real timers', () => {
  it('allow: fires every second, each scheduled second once', async () => {
    const s = setup();
    await s.scheduler.start();
    await create(s, 'tick', 'allow');
    await waitFor('three launches', () => s.launcher.launches.length >= 3);
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

  it('forbid: skips while the first run is active and says so', async () => {
    const s = setup();
    await create(s, 'tick', 'forbid');
    await waitFor('a skip', () => s.chat.announcements.some((a) => a.text.includes('skipped')));
    assert.equal(s.launcher.launches.length, 1);
    const first = s.launcher.launches[0].run;
    assert.ok(
      s.chat.announcements.some((a) => a.text === `⏰ tick skipped: run #${first?.number} is still running`),
    );
    s.launcher.end(first?.id ?? '');
    await waitFor('a second launch once the first ended', () => s.launcher.launches.length >= 2);
  });

  it('replace: stops the previous run before starting the next', async () => {
    const s = setup();
    await create(s, 'tick', 'replace');
    await waitFor('two launches', () => s.launcher.launches.length >= 2);
    assert.equal(s.launcher.stops[0].runId, s.launcher.launches[0].run?.id);
    assert.equal(s.store.getRun(s.launcher.launches[0].run?.id ?? '')?.state, 'stopped');
  });

  it('pause holds fires back; resume lets them go on', async () => {
    const s = setup();
    await create(s, 'tick', 'allow');
    await waitFor('a launch', () => s.launcher.launches.length >= 1);
    await s.scheduler.execute({ verb: 'pause', name: 'tick' }, owner);
    await s.scheduler.idle();
    const whilePaused = s.launcher.launches.length;
    await new Promise((resolve) => setTimeout(resolve, 2200));
    assert.equal(s.launcher.launches.length, whilePaused);
    await s.scheduler.execute({ verb: 'resume', name: 'tick' }, owner);
    await waitFor('a launch after resuming', () => s.launcher.launches.length > whilePaused);
  });

  it('a new scheduler over the same store goes on without firing any second twice', async () => {
    const store = new MemoryStore();
    const before = setup(store);
    await create(before, 'tick', 'allow');
    await waitFor('two launches', () => before.launcher.launches.length >= 2);
    await before.scheduler.close();
    const after = setup(store);
    await after.scheduler.start();
    await waitFor('two launches after the restart', () => after.launcher.launches.length >= 2);
    await after.scheduler.close();
    const all = [...before.firedFor, ...after.firedFor];
    assert.equal(new Set(all).size, all.length, `fires ${all.join(', ')}`);
    assert.ok(Date.parse(after.firedFor[0]) > Date.parse(before.firedFor[before.firedFor.length - 1]));
  });
});

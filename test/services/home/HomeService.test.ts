import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createTemplateSource } from '../../../src/adapters/templates/template-source.ts';
import type { Run, RunState } from '../../../src/core/run/run.ts';
import { HomeService, type HomeServiceDeps } from '../../../src/services/home/HomeService.ts';
import { silentLogger } from '../../../src/shared/log.ts';
import { makeRun } from '../../support/make-run.ts';
import { ManualClock } from '../../support/manual-clock.ts';
import { MemoryStore } from '../../support/memory-store.ts';
import { RecordingChat } from '../../support/recording-chat.ts';

const templates = createTemplateSource(join(import.meta.dirname, '../../../manifests'));

/** A HomeService on a clock moved by hand, with run changes sent by the test. */
function home(opts: Partial<HomeServiceDeps> = {}) {
  const clock = new ManualClock('2026-12-01T10:00:00Z');
  const store = new MemoryStore();
  const chat = new RecordingChat();
  let listener: (run: Run) => void = () => {};
  const service = new HomeService({
    store,
    templates,
    policy: {},
    chat,
    events: {
      onRunChanged: (l) => {
        listener = l;
        return () => {
          listener = () => {};
        };
      },
    },
    log: silentLogger,
    now: clock.now,
    createTimer: clock.createTimer,
    ...opts,
  });
  /** A run of `user` in `state`, stored and told to the service. */
  const change = (id: string, user: string, state: RunState, extra: Partial<Run> = {}) => {
    const run = makeRun({ id, launchedBy: user, state, ...extra });
    store.saveRun(run);
    listener(run);
  };
  const publishes = (user: string) => chat.homes.filter((h) => h.user === user);
  const flush = () => new Promise<void>((r) => setImmediate(r));
  return { clock, store, chat, service, change, publishes, flush };
}

describe('HomeService (issue 14)', () => {
  it('publishes at once when opened, then refreshes at most once per 10 s however many state changes come', async () => {
    const h = home();
    await h.service.opened('U1');
    assert.equal(h.publishes('U1').length, 1);
    for (const [i, state] of (['queued', 'pending', 'running'] as const).entries())
      h.change(`r-a${i}`, 'U1', state);
    h.change('r-a0', 'U1', 'running');
    h.change('r-a1', 'U1', 'succeeded');
    await h.flush();
    assert.equal(h.publishes('U1').length, 1, 'nothing before the 10 s are up');
    assert.deepEqual(h.clock.armed(), [new Date('2026-12-01T10:00:10Z')]);
    await h.clock.advanceTo('2026-12-01T10:00:10Z', h.flush);
    assert.equal(h.publishes('U1').length, 2, 'one refresh showing them all');
    const shown = h.publishes('U1')[1].home;
    assert.deepEqual(shown.active.map((r) => r.id).sort(), ['r-a0', 'r-a2']);
    assert.deepEqual(
      shown.recent.map((r) => r.id),
      ['r-a1'],
    );
    assert.deepEqual(h.clock.armed(), [], 'nothing more waits');
  });

  it('refreshes on a change of state, not on progress, and only for people who opened their tab recently', async () => {
    const h = home();
    h.change('r-b1', 'U2', 'running');
    await h.service.opened('U1');
    h.change('r-b1', 'U2', 'succeeded');
    h.change('r-c1', 'U1', 'running');
    await h.clock.advanceTo('2026-12-01T10:00:30Z', h.flush);
    assert.equal(h.publishes('U1').length, 2);
    h.change('r-c1', 'U1', 'running', { progress: { current: 5, total: 10, unit: 'epoch' } });
    await h.clock.advanceTo('2026-12-01T10:01:00Z', h.flush);
    assert.equal(h.publishes('U1').length, 2, 'progress alone does not refresh');
    assert.equal(h.publishes('U2').length, 0, 'U2 never opened the tab');
    // An hour after opening, their runs no longer refresh it.
    await h.clock.advanceTo('2026-12-01T11:00:01Z', h.flush);
    h.change('r-c1', 'U1', 'succeeded');
    await h.clock.advanceTo('2026-12-01T11:10:00Z', h.flush);
    assert.equal(h.publishes('U1').length, 2);
    assert.equal(h.service.watching, 0);
  });

  it('answers a press on top of a fresh tab at once, and keeps the answer through the refreshes of the next minute', async () => {
    const h = home();
    await h.service.opened('U1');
    h.change('r-d1', 'U1', 'running');
    await h.service.answered('U1', { kind: 'info', text: 'Stopping run #1.' });
    assert.deepEqual(h.publishes('U1').at(-1)?.home.note, { kind: 'info', text: 'Stopping run #1.' });
    assert.deepEqual(h.clock.armed(), [], 'the answer showed the change');
    // The stop it answered changes the run: the refresh that follows still shows the answer.
    h.change('r-d1', 'U1', 'stopped');
    await h.clock.advanceTo('2026-12-01T10:00:10Z', h.flush);
    assert.equal(h.publishes('U1').length, 3);
    assert.deepEqual(h.publishes('U1').at(-1)?.home.note, { kind: 'info', text: 'Stopping run #1.' });
    // A minute on it is gone; so it is when the tab is opened again.
    await h.clock.advanceTo('2026-12-01T10:01:05Z', h.flush);
    h.change('r-d2', 'U1', 'running');
    await h.clock.advanceTo('2026-12-01T10:01:20Z', h.flush);
    assert.equal(h.publishes('U1').length, 4);
    assert.equal(h.publishes('U1').at(-1)?.home.note, undefined);
    await h.service.answered('U1', { kind: 'error', text: 'Only <@U2> may stop run #2.' });
    await h.service.opened('U1');
    assert.equal(h.publishes('U1').at(-1)?.home.note, undefined);
    // Only sentences go on top.
    await h.service.answered('U1', { kind: 'help' });
    assert.equal(h.publishes('U1').at(-1)?.home.note, undefined);
  });

  it('watches at most maxViewers people, letting the longest unopened go first', async () => {
    const h = home({ maxViewers: 2 });
    for (const user of ['U1', 'U2', 'U3']) await h.service.opened(user);
    assert.equal(h.service.watching, 2);
    h.change('r-e1', 'U1', 'running');
    h.change('r-e2', 'U3', 'running');
    await h.clock.advanceTo('2026-12-01T10:00:20Z', h.flush);
    assert.equal(h.publishes('U1').length, 1, 'U1 was let go');
    assert.equal(h.publishes('U3').length, 2);
    h.service.close();
  });

  it('shows the viewer’s own runs, not sweep trials, their schedules with next fires, and the templates', async () => {
    const h = home();
    h.store.saveRun(makeRun({ id: 'r-f1', launchedBy: 'U1', state: 'running' }));
    h.store.saveRun(makeRun({ id: 'r-f2', launchedBy: 'U1', state: 'running', quiet: true }));
    h.store.saveRun(makeRun({ id: 'r-f3', launchedBy: 'U9', state: 'running' }));
    h.store.saveSchedule({
      name: 'nightly',
      cron: '0 2 * * *',
      timezone: 'UTC',
      template: 'sleep',
      params: {},
      options: {},
      policy: 'forbid',
      channel: 'C1',
      owner: 'U1',
      paused: false,
      createdAt: '2026-11-01T00:00:00.000Z',
      startingDeadlineSeconds: 300,
    });
    const content = await h.service.content('U1');
    assert.deepEqual(
      content.active.map((r) => r.id),
      ['r-f1'],
    );
    assert.deepEqual(
      content.schedules.map((s) => [s.schedule.name, s.nextFire?.toISOString()]),
      [['nightly', '2026-12-02T02:00:00.000Z']],
    );
    assert.ok(content.templates.some((t) => t.name === 'demo'));
    assert.equal(content.objectiveOf?.('demo'), 'acc');
  });
});

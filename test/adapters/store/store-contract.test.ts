import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Schedule } from '../../../src/core/schedule/schedule.ts';
import { runId, settledRun, storedRun } from './store-runs.ts';
import { implementations, removeStoreFolders } from './stores-under-test.ts';

// What every Store must do with runs, schedules and keys (src/ports/store.ts), checked against each
// implementation (stores-under-test.ts); store-contract.groups.test.ts does sweeps and pipelines.

after(removeStoreFolders);

const schedule = (name: string, extra: Partial<Schedule> = {}): Schedule => ({
  name,
  cron: '0 3 * * *',
  timezone: 'UTC',
  template: 'demo',
  params: { epochs: '3' },
  options: {},
  policy: 'forbid',
  channel: 'C1',
  owner: 'U1',
  paused: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  startingDeadlineSeconds: 300,
  ...extra,
});

const numbers = (runs: { number: number }[]) => runs.map((r) => r.number);

for (const impl of implementations) {
  describe(`Store contract: ${impl.name}`, () => {
    it('hands out run numbers from 1 upwards, never one in use', async () => {
      const store = await impl.open();
      assert.deepEqual([store.nextRunNumber(), store.nextRunNumber()], [1, 2]);
      store.saveRun(storedRun(7));
      assert.equal(store.nextRunNumber(), 8, 'a saved run’s number is never handed out');
      await store.close();
    });

    it('never reuses a number, even after history was dropped and across restarts', async () => {
      let store = await impl.open({ retention: 3 });
      for (let i = 0; i < 30; i++) store.saveRun(settledRun(store.nextRunNumber()));
      await store.flush();
      if (impl.reopen) store = await impl.reopen(store);
      assert.equal(store.nextRunNumber(), 31);
      await store.close();
    });

    it('saveRun keeps its own copy, and every read hands out a copy', async () => {
      const store = await impl.open();
      const mine = storedRun(1, 'running', { reason: 'mine' });
      store.saveRun(mine);
      mine.reason = 'changed after saving';
      assert.equal(store.getRun(mine.id)?.reason, 'mine');
      const got = store.getRun(mine.id)!;
      got.reason = 'changed by a reader';
      const listed = store.listRuns()[0];
      listed.state = 'failed';
      const loaded = (await store.loadRun(mine.id))!;
      loaded.reason = 'changed by another reader';
      assert.equal(store.getRunByNumber(1)?.reason, 'mine');
      assert.equal(store.getRunByNumber(1)?.state, 'running');
      await store.close();
    });

    it('saveRun replaces by id and finds runs by id and number', async () => {
      const store = await impl.open();
      store.saveRun(storedRun(1, 'running'));
      store.saveRun(storedRun(1, 'failed', { reason: 'OOMKilled' }));
      assert.equal(store.getRun(runId(1))?.reason, 'OOMKilled');
      assert.equal(store.getRunByNumber(1)?.state, 'failed');
      assert.equal(store.getRun('r-nothing'), undefined);
      assert.equal(store.getRunByNumber(99), undefined);
      assert.equal(await store.loadRunByNumber(99), undefined);
      assert.equal(store.listRuns().length, 1);
      await store.close();
    });

    it('listRuns: newest first, active or ended, limited', async () => {
      const store = await impl.open();
      store.saveRun(storedRun(2, 'succeeded', { noticeSent: true }));
      store.saveRun(storedRun(3, 'running'));
      store.saveRun(storedRun(1, 'queued'));
      store.saveRun(storedRun(4, 'lost', { noticeSent: true }));
      assert.deepEqual(numbers(store.listRuns()), [4, 3, 2, 1]);
      assert.deepEqual(numbers(store.listRuns({ active: true })), [3, 1]);
      assert.deepEqual(numbers(store.listRuns({ active: false })), [4, 2]);
      assert.deepEqual(numbers(store.listRuns({ limit: 2 })), [4, 3]);
      assert.deepEqual(numbers(store.listRuns({ active: true, limit: 1 })), [3]);
      await store.close();
    });

    it('listRuns always sees runs not ended and ended runs still awaiting their notice', async () => {
      const store = await impl.open();
      store.saveRun(storedRun(1, 'running'));
      store.saveRun(storedRun(2, 'failed'));
      for (let n = 3; n <= 30; n++) store.saveRun(settledRun(n));
      await store.flush();
      const listed = numbers(store.listRuns());
      assert.ok(listed.includes(1) && listed.includes(2), `${listed}`);
      assert.deepEqual(numbers(store.listRuns({ limit: 2 })), [30, 29], 'and the newest ended ones');
      await store.close();
    });

    it('loadRun, loadRunByNumber and loadRuns reach runs no longer live', async () => {
      const store = await impl.open();
      const runs = Array.from({ length: 30 }, (_, i) =>
        settledRun(i + 1, { launchedBy: i % 2 === 0 ? 'U1' : 'U2' }),
      );
      for (const run of runs) store.saveRun(run);
      store.saveRun(storedRun(31, 'running', { launchedBy: 'U2' }));
      await store.flush();
      for (const run of runs) {
        assert.deepEqual(await store.loadRun(run.id), run);
        assert.deepEqual(await store.loadRunByNumber(run.number), run);
      }
      assert.deepEqual(numbers(await store.loadRuns({ launchedBy: 'U1', limit: 3 })), [29, 27, 25]);
      assert.deepEqual(numbers(await store.loadRuns({ launchedBy: 'U2', ended: true, limit: 2 })), [30, 28]);
      assert.deepEqual(numbers(await store.loadRuns({ ended: false, limit: 5 })), [31]);
      assert.deepEqual(numbers(await store.loadRuns({ before: 4, limit: 5 })), [3, 2, 1]);
      assert.deepEqual(await store.loadRuns({ launchedBy: 'U1', limit: 30 }).then((r) => r.at(-1)), runs[0]);
      await store.close();
    });

    it('schedules: saved, listed by name, copied, deleted once', async () => {
      const store = await impl.open();
      const mine = schedule('nightly');
      store.saveSchedule(mine);
      store.saveSchedule(schedule('hourly', { cron: '0 * * * *' }));
      mine.paused = true;
      assert.equal(store.getSchedule('nightly')?.paused, false);
      store.getSchedule('nightly')!.paused = true;
      assert.equal(store.getSchedule('nightly')?.paused, false);
      assert.deepEqual(
        store.listSchedules().map((s) => s.name),
        ['hourly', 'nightly'],
      );
      store.saveSchedule(schedule('nightly', { lastRunId: 'r-1' }));
      assert.equal(store.getSchedule('nightly')?.lastRunId, 'r-1');
      assert.equal(store.deleteSchedule('nightly'), true);
      assert.equal(store.deleteSchedule('nightly'), false);
      assert.equal(store.getSchedule('nightly'), undefined);
      await store.close();
    });

    it('claimOnce: true the first time only, per key', async () => {
      const store = await impl.open();
      assert.equal(store.claimOnce('command:1'), true);
      assert.equal(store.claimOnce('command:1'), false);
      assert.equal(store.claimOnce('action:1'), true);
      assert.equal(store.claimOnce('command:1'), false);
      await store.close();
    });

    const { reopen } = impl;
    if (reopen) {
      it('keeps runs, history, schedules, claimed keys and the number sequence across a restart', async () => {
        let store = await impl.open();
        const runs = Array.from({ length: 12 }, (_, i) =>
          settledRun(store.nextRunNumber(), { reason: `${i}` }),
        );
        for (const run of runs) store.saveRun(run);
        store.saveRun(storedRun(store.nextRunNumber(), 'running'));
        store.saveSchedule(schedule('nightly'));
        store.claimOnce('command:1');
        store = await reopen(store);
        for (const run of runs) assert.deepEqual(await store.loadRun(run.id), run);
        assert.equal(store.getRunByNumber(13)?.state, 'running');
        assert.deepEqual(store.getSchedule('nightly'), schedule('nightly'));
        assert.equal(store.claimOnce('command:1'), false);
        assert.equal(store.nextRunNumber(), 14);
        await store.close();
      });
    }
  });
}

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FileStore } from '../../../src/adapters/store/FileStore.ts';
import { StoreError } from '../../../src/adapters/store/StoreError.ts';
import type { MetricSample, Run, RunState } from '../../../src/core/run/run.ts';
import type { Schedule } from '../../../src/core/schedule/schedule.ts';
import { makeRun } from '../../support/make-run.ts';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trainyard-store-'));
  file = join(dir, 'trainyard.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(number: number, state: RunState = 'succeeded', extra: Partial<Run> = {}): Run {
  return makeRun(
    { id: `r-${String(number).padStart(10, '0')}`, number, state, ...extra },
    { params: { epochs: 3 } },
  );
}

const schedule: Schedule = {
  name: 'nightly',
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
};

describe('FileStore', () => {
  it('creates the folder and file, and reloads what was saved', async () => {
    const nested = join(dir, 'a', 'b');
    const store = await FileStore.open(nested);
    assert.equal(store.nextRunNumber(), 1);
    assert.equal(store.nextRunNumber(), 2);
    store.saveRun(run(1, 'running', { metrics: { loss: 0.5 } }));
    store.saveRun(run(2, 'failed', { reason: 'OOMKilled', exitCode: 137 }));
    store.saveSchedule(schedule);
    assert.equal(store.claimOnce('slack:retry:1'), true);
    await store.close();

    const again = await FileStore.open(nested);
    assert.deepEqual(again.getRun(run(1).id)?.metrics, { loss: 0.5 });
    assert.equal(again.getRunByNumber(2)?.reason, 'OOMKilled');
    assert.deepEqual(
      again.listRuns().map((r) => r.number),
      [2, 1],
    );
    assert.deepEqual(
      again.listRuns({ active: true }).map((r) => r.number),
      [1],
    );
    assert.deepEqual(again.getSchedule('nightly'), schedule);
    assert.equal(again.claimOnce('slack:retry:1'), false, 'claimed keys survive a restart');
    assert.equal(again.nextRunNumber(), 3, 'run numbers are never reused');
    assert.equal(again.deleteSchedule('nightly'), true);
    assert.equal(again.deleteSchedule('nightly'), false);
    await again.close();
  });

  it('never reuses a run number, even when the run holding it was pruned', async () => {
    // Every settled run goes to a segment of its own, and retention keeps one of them.
    const opts = { retention: 1, liveFinished: 0, segmentBytes: 1 };
    const store = await FileStore.open(dir, opts);
    for (let i = 0; i < 3; i++) {
      store.saveRun(run(store.nextRunNumber(), 'succeeded', { noticeSent: true }));
      await store.flush();
    }
    await store.close();
    const again = await FileStore.open(dir, opts);
    assert.equal(await again.loadRunByNumber(1), undefined, 'run 1 was pruned');
    assert.equal(again.nextRunNumber(), 4);
    await again.close();
  });

  it('coalesces 1,000 updates into a handful of file writes', async () => {
    const store = await FileStore.open(dir, { writeIntervalMs: 20 });
    const before = store.stats().writes;
    for (let i = 0; i < 1000; i++) {
      store.saveRun(run(1, 'running', { reason: `update ${i}` }));
      if (i % 100 === 0) await new Promise((r) => setImmediate(r));
    }
    await store.flush();
    const writes = store.stats().writes - before;
    assert.ok(writes >= 1 && writes <= 11, `${writes} writes`);
    await store.close();
    const onDisk = JSON.parse(await readFile(file, 'utf8'));
    assert.equal(onDisk.runs[0].reason, 'update 999');
  });

  it('writes atomically: no temp file is left and the file always parses', async () => {
    const store = await FileStore.open(dir);
    store.saveRun(run(1));
    await store.flush();
    assert.equal(existsSync(join(dir, '.trainyard.json.tmp')), false);
    JSON.parse(await readFile(file, 'utf8'));
    await store.close();
  });

  it('keeps a later saved copy independent of the caller changing its object', async () => {
    const store = await FileStore.open(dir);
    const mine = run(1, 'running');
    store.saveRun(mine);
    mine.state = 'failed';
    await store.close();
    const again = await FileStore.open(dir);
    assert.equal(again.getRun(mine.id)?.state, 'running');
    await again.close();
  });

  for (const [what, content, pattern] of [
    ['is not JSON', '{"version": 1, "runs": [', /is not valid JSON/],
    [
      'fails the schema',
      JSON.stringify({ version: 1, nextRunNumber: 1, runs: [{ id: 'x' }], schedules: [], keys: {} }),
      /is not a valid Trainyard store \(runs\.0\.number/,
    ],
    [
      'is from a newer version',
      JSON.stringify({ version: 4, stuff: [] }),
      /newer Trainyard \(store version 4, this one reads 3\)/,
    ],
  ] as const) {
    it(`refuses a file that ${what}, with one sentence, and leaves it untouched`, async () => {
      await writeFile(file, content);
      const before = await stat(file);
      await assert.rejects(FileStore.open(dir), (error: unknown) => {
        assert.ok(error instanceof StoreError);
        assert.match(error.message, pattern);
        assert.ok(error.message.includes(file));
        assert.equal(error.message.split('\n').length, 1);
        return true;
      });
      assert.equal(await readFile(file, 'utf8'), content);
      assert.equal((await stat(file)).mtimeMs, before.mtimeMs);
      assert.equal(existsSync(`${file}.lock`), false, 'the lock is released');
    });
  }

  it('refuses a store locked by a live process and names its pid', async () => {
    // The test runner that started this file is alive for as long as the test runs.
    await writeFile(`${file}.lock`, String(process.ppid));
    await assert.rejects(FileStore.open(dir), (error: unknown) => {
      assert.ok(error instanceof StoreError);
      assert.match(
        error.message,
        new RegExp(`in use by another Trainyard process \\(pid ${process.ppid}\\)`),
      );
      return true;
    });
  });

  it('refuses a second open in the same process', async () => {
    const store = await FileStore.open(dir);
    await assert.rejects(FileStore.open(dir), StoreError);
    await store.close();
    assert.equal(existsSync(`${file}.lock`), false);
  });

  it('takes over a stale lock whose process is gone', async () => {
    const exited = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(`${file}.lock`, String(exited));
    const store = await FileStore.open(dir);
    assert.equal(await readFile(`${file}.lock`, 'utf8'), String(process.pid));
    await store.close();
  });

  it('keeps active runs and runs awaiting their notice live, whatever the window', async () => {
    const store = await FileStore.open(dir, { liveFinished: 1 });
    store.saveRun(run(1, 'running'));
    store.saveRun(run(2, 'failed'));
    for (let n = 3; n <= 5; n++) store.saveRun(run(n, 'succeeded', { noticeSent: true }));
    await store.flush();
    assert.deepEqual(
      store.listRuns().map((r) => r.number),
      [5, 2, 1],
      'the newest settled run, the unsettled ended one and the active one',
    );
    assert.equal(store.getRunByNumber(3), undefined, 'older settled runs left the live file');
    // Work the hub may still owe an ended run keeps it live too: its log upload, its stale card.
    store.saveRun({ ...run(6, 'succeeded', { noticeSent: true }), logUploaded: false } as Run);
    store.saveRun({ ...run(7, 'succeeded', { noticeSent: true }), cardStale: true } as Run);
    store.saveRun(run(8, 'succeeded', { noticeSent: true }));
    await store.flush();
    assert.deepEqual(
      store.listRuns({ active: false }).map((r) => r.number),
      [8, 7, 6, 2],
    );
    assert.equal((await store.loadRunByNumber(3))?.state, 'succeeded', 'and are found in history');
    await store.close();
  });

  it('keeps stored histories bounded, coarser once a run has ended', async () => {
    const history = Array.from({ length: 1000 }, (_, i) => ({ at: i, values: { loss: i } }));
    const store = await FileStore.open(dir);
    store.saveRun(run(1, 'running', { history }));
    store.saveRun(run(2, 'succeeded', { history }));
    assert.ok(store.getRun(run(1).id)!.history.length <= 200);
    assert.ok(store.getRun(run(2).id)!.history.length <= 30);
    assert.equal(store.getRun(run(2).id)!.history.at(-1)?.at, 999);
    await store.close();
  });

  it('claimOnce: a key is claimed once, and again after it expires a day later', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const store = await FileStore.open(dir, { now: () => now });
    assert.equal(store.claimOnce('a'), true);
    assert.equal(store.claimOnce('a'), false);
    assert.equal(store.claimOnce('b'), true);
    now = new Date('2026-01-02T00:00:01Z');
    assert.equal(store.claimOnce('a'), true);
    await store.close();
  });

  it('claimOnce keeps a bounded number of keys, forgetting the oldest first', async () => {
    const store = await FileStore.open(dir);
    for (let i = 0; i < 10_050; i++) store.claimOnce(`k${i}`);
    await store.close();
    const keys = Object.keys(JSON.parse(await readFile(file, 'utf8')).keys);
    // Forgotten a chunk of 250 at a time.
    assert.ok(keys.length <= 10_000 && keys.length > 9_750, `${keys.length} keys`);
    assert.equal(keys.includes('k0'), false);
    assert.equal(keys.includes('k10049'), true);
    const again = await FileStore.open(dir);
    assert.equal(again.claimOnce('k10049'), false, 'the newest is still claimed after a restart');
    assert.equal(again.claimOnce('k0'), true, 'the oldest was forgotten');
    await again.close();
  });
});

describe('FileStore file format', () => {
  const history: MetricSample[] = [
    { at: 1000, values: { loss: 0.9, acc: 0.1 } },
    { at: 1500, values: { loss: 0.5 } },
    { at: 2500, values: { loss: 0.25, acc: 0.8 } },
  ];

  it('stores histories as columns and leaves out empty metrics and history', async () => {
    const store = await FileStore.open(dir);
    store.saveRun(run(1, 'succeeded', { metrics: { loss: 0.25, acc: 0.8 }, history }));
    store.saveRun(run(2, 'queued'));
    await store.close();
    const onDisk = JSON.parse(await readFile(file, 'utf8'));
    assert.equal(onDisk.version, 3);
    assert.deepEqual(onDisk.runs[0].history, {
      at: [1000, 500, 1000],
      values: { loss: [0.9, 0.5, 0.25], acc: [0.1, null, 0.8] },
    });
    assert.equal('history' in onDisk.runs[1], false);
    assert.equal('metrics' in onDisk.runs[1], false);

    const again = await FileStore.open(dir);
    assert.deepEqual(
      again.getRun(run(1).id),
      run(1, 'succeeded', { metrics: { loss: 0.25, acc: 0.8 }, history }),
    );
    assert.deepEqual(again.getRun(run(2).id), run(2, 'queued'));
    await again.close();
  });

  it('rewrites an unread loaded history unchanged', async () => {
    const store = await FileStore.open(dir);
    store.saveRun(run(1, 'succeeded', { history }));
    await store.close();
    const first = await readFile(file, 'utf8');
    const again = await FileStore.open(dir);
    again.saveRun(run(2, 'running'));
    await again.close();
    const second = JSON.parse(await readFile(file, 'utf8'));
    assert.deepEqual(second.runs[0], JSON.parse(first).runs[0]);
  });

  it('reads a file laid out by hand and rewrites it in its own layout', async () => {
    const runs = [run(1, 'succeeded', { history }), run(2, 'running')];
    const stored = { version: 2, nextRunNumber: 3, runs: [], schedules: [], keys: {} };
    const first = await FileStore.open(dir);
    for (const r of runs) first.saveRun(r);
    await first.close();
    Object.assign(stored, { runs: JSON.parse(await readFile(file, 'utf8')).runs });
    await writeFile(file, JSON.stringify(stored, null, 2));

    const store = await FileStore.open(dir);
    store.saveRun(run(3, 'queued'));
    await store.close();
    const again = await FileStore.open(dir);
    assert.deepEqual(again.listRuns().reverse(), [...runs, run(3, 'queued')]);
    await again.close();
  });

  it('reads a version 1 file (row histories) and rewrites it as version 3', async () => {
    const v1Runs = [run(1, 'succeeded', { metrics: { loss: 0.25 }, history }), run(2, 'running')];
    const v1 = { version: 1, nextRunNumber: 5, runs: v1Runs, schedules: [schedule], keys: { k: 8.64e15 } };
    await writeFile(file, JSON.stringify(v1));

    const store = await FileStore.open(dir);
    assert.deepEqual(store.listRuns().reverse(), v1Runs);
    assert.deepEqual(store.listSchedules(), [schedule]);
    assert.equal(store.claimOnce('k'), false);
    assert.equal(store.nextRunNumber(), 5);
    await store.close();

    const onDisk = JSON.parse(await readFile(file, 'utf8'));
    assert.equal(onDisk.version, 3);
    assert.deepEqual(onDisk.runs[0].history.at, [1000, 500, 1000]);
    const again = await FileStore.open(dir);
    assert.deepEqual(again.listRuns().reverse(), v1Runs);
    await again.close();
  });

  it('refuses a version 2 run whose history columns do not match its times', async () => {
    const bad = {
      version: 2,
      nextRunNumber: 2,
      runs: [{ ...run(1), history: { at: [1, 2], values: { loss: [0.5] } } }],
      schedules: [],
      keys: {},
    };
    const content = JSON.stringify(bad);
    await writeFile(file, content);
    await assert.rejects(FileStore.open(dir), (error: unknown) => {
      assert.ok(error instanceof StoreError);
      assert.match(error.message, /runs\.0\.history: Expected \{ at: \[\.\.\.\]/);
      assert.ok(error.message.includes(file));
      return true;
    });
    assert.equal(await readFile(file, 'utf8'), content);
  });
});

describe('FileStore schema', () => {
  for (const [what, bad, pattern] of [
    ['is not an object', 'garbage', /\(runs\.1: Expected a run object\)/],
    ['has an unknown state', { ...run(2), state: 'done' }, /\(runs\.1\.state: Expected one of queued, /],
  ] as const) {
    it(`refuses a run that ${what}, naming where it is`, async () => {
      const file2 = { version: 1, nextRunNumber: 3, runs: [run(1), bad], schedules: [], keys: {} };
      await writeFile(file, JSON.stringify(file2));
      await assert.rejects(FileStore.open(dir), pattern);
    });
  }

  it('refuses a run whose spec lacks a field Trainyard needs', async () => {
    const { workdir, ...spec } = run(1).spec;
    const bad = { version: 2, nextRunNumber: 2, runs: [{ ...run(1), spec }], schedules: [], keys: {} };
    await writeFile(file, JSON.stringify(bad));
    await assert.rejects(FileStore.open(dir), /runs\.0\.spec: Expected a run spec/);
    assert.equal(typeof workdir, 'string');
  });

  it('refuses a run whose history is malformed', async () => {
    const bad = {
      version: 1,
      nextRunNumber: 2,
      runs: [{ ...run(1), history: [{ at: 1, values: { loss: 'x' } }] }],
      schedules: [],
      keys: {},
    };
    await writeFile(file, JSON.stringify(bad));
    await assert.rejects(
      FileStore.open(dir),
      /runs\.0\.history: Expected a list of \{ at, values \} metric samples/,
    );
  });
});

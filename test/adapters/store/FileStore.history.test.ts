import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FileStore } from '../../../src/adapters/store/FileStore.ts';
import type { FileStoreOptions } from '../../../src/adapters/store/file-store-options.ts';
import type { Run } from '../../../src/core/run/run.ts';
import type { Schedule } from '../../../src/core/schedule/schedule.ts';
import { capturingLogger } from '../../support/capturing-logger.ts';
import { numbers, range, runId, SMALL_STORE, settledRun, storedRun, storeWithRuns } from './store-runs.ts';

let dir: string;
let history: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trainyard-history-'));
  history = join(dir, 'history');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const small = SMALL_STORE;
const storeWith = (runs: Run[], opts?: FileStoreOptions) => storeWithRuns(dir, runs, opts);
const segmentFiles = async () => (await readdir(history)).filter((f) => f.endsWith('.jsonl')).sort();

describe('FileStore history', () => {
  it('moves settled runs beyond the live window to segments, and still finds them', async () => {
    const runs = range(1, 20).map((n) => settledRun(n));
    const store = await storeWith(runs);
    assert.deepEqual(
      numbers(store.listRuns()),
      range(16, 20).reverse(),
      'the live file keeps the newest five',
    );
    assert.equal(store.getRunByNumber(1), undefined);
    assert.deepEqual(await store.loadRunByNumber(1), runs[0]);
    assert.deepEqual(await store.loadRun(runId(7)), runs[6]);
    assert.ok((await segmentFiles()).length >= 4, 'several size-bounded segments');
    const live = JSON.parse(await readFile(join(dir, 'trainyard.json'), 'utf8'));
    assert.deepEqual(numbers(live.runs), range(16, 20));
    await store.close();

    const again = await FileStore.open(dir, small);
    for (const run of runs) assert.deepEqual(await again.loadRunByNumber(run.number), run);
    assert.equal(again.nextRunNumber(), 21);
    await again.close();
  });

  it('answers newest-first queries over live and history, per user, with paging', async () => {
    const runs = range(1, 30).map((n) => settledRun(n, { launchedBy: n % 3 === 0 ? 'U3' : 'U1' }));
    const active = storedRun(31, 'running', { launchedBy: 'U3' });
    const store = await storeWith([...runs, active]);
    assert.deepEqual(numbers(await store.loadRuns({ limit: 8 })), range(24, 31).reverse());
    assert.deepEqual(
      numbers(await store.loadRuns({ launchedBy: 'U3', ended: true, limit: 4 })),
      [30, 27, 24, 21],
    );
    assert.deepEqual(numbers(await store.loadRuns({ launchedBy: 'U3', ended: false, limit: 4 })), [31]);
    assert.deepEqual(numbers(await store.loadRuns({ launchedBy: 'U3', before: 21, limit: 3 })), [18, 15, 12]);
    const everything = await store.loadRuns({ limit: 1000 });
    assert.deepEqual(numbers(everything), range(1, 31).reverse());
    assert.deepEqual(everything.at(-1), runs[0]);
    await store.close();
  });

  it('drops whole old segments past retention and tells onPrune which runs went', async () => {
    const pruned: string[] = [];
    const opts = { ...small, retention: 12, onPrune: (ids: string[]) => pruned.push(...ids) };
    const store = await storeWith(
      range(1, 40).map((n) => settledRun(n)),
      opts,
    );
    const kept = numbers(await store.loadRuns({ limit: 1000 }));
    assert.ok(kept.length >= 12, `at least the newest 12 are kept (${kept.length})`);
    assert.ok(kept.length < 20, `old segments went (${kept.length} kept)`);
    assert.deepEqual(kept, range(41 - kept.length, 40).reverse(), 'the oldest go first');
    assert.deepEqual(pruned.sort(), range(1, 40 - kept.length).map(runId));
    await store.close();

    const again = await FileStore.open(dir, opts);
    assert.deepEqual(numbers(await again.loadRuns({ limit: 1000 })), kept);
    assert.equal(again.nextRunNumber(), 41, 'numbers are never reused');
    await again.close();
  });

  it('applies a lowered retention at start-up', async () => {
    await (await storeWith(range(1, 30).map((n) => settledRun(n)))).close();
    const pruned: string[] = [];
    const store = await FileStore.open(dir, {
      ...small,
      retention: 6,
      onPrune: (ids) => pruned.push(...ids),
    });
    assert.ok(pruned.length >= 15, `${pruned.length} pruned`);
    assert.equal(await store.loadRun(pruned[0]), undefined);
    await store.close();
  });

  it('brings a run saved again after it was archived back live, and keeps one copy of it', async () => {
    const store = await storeWith(range(1, 12).map((n) => settledRun(n)));
    const old = (await store.loadRunByNumber(2))!;
    store.saveRun({ ...old, reason: 'edited later' });
    assert.equal(store.getRunByNumber(2)?.reason, 'edited later');
    for (let n = 13; n <= 20; n++) store.saveRun(settledRun(n));
    await store.flush();
    assert.equal(store.getRunByNumber(2), undefined, 'archived again');
    const all = numbers(await store.loadRuns({ limit: 100 }));
    assert.deepEqual(all, range(1, 20).reverse(), 'listed once');
    await store.close();
    const again = await FileStore.open(dir, small);
    assert.equal((await again.loadRunByNumber(2))?.reason, 'edited later', 'the newest line wins');
    assert.deepEqual(numbers(await again.loadRuns({ limit: 100 })), range(1, 20).reverse());
    await again.close();
  });

  it('keeps each metric sample’s step, live and in history, across a restart', async () => {
    const history = [
      { at: 1000, values: { acc: 0.5 }, step: 1 },
      { at: 2000, values: { acc: 0.7 }, step: 2 },
    ];
    const stepped = [settledRun(1, { history }), storedRun(2, 'running', { history })];
    await (await storeWith([...stepped, ...range(3, 12).map((n) => settledRun(n))])).close();
    const store = await FileStore.open(dir, small);
    assert.deepEqual((await store.loadRunByNumber(1))?.history, history, 'from history');
    assert.deepEqual(store.getRunByNumber(2)?.history, history, 'from the live file');
    await store.close();
  });

  it('keeps a schedule’s last run live however old, so `schedules` can show its result', async () => {
    const store = await FileStore.open(dir, small);
    store.saveRun(settledRun(1, { schedule: 'nightly' }));
    store.saveSchedule({ ...schedule, lastRunId: runId(1) });
    for (let n = 2; n <= 20; n++) store.saveRun(settledRun(n));
    await store.flush();
    assert.equal(store.getRun(runId(1))?.number, 1);
    assert.equal(store.getRunByNumber(2), undefined);
    await store.close();
  });
});

describe('FileStore history on disk', () => {
  it('ignores a cut-short last line with a log line, and appends to a new segment after it', async () => {
    await (await storeWith(range(1, 12).map((n) => settledRun(n)))).close();
    const files = await segmentFiles();
    const last = join(history, files.at(-1)!);
    await appendFile(last, '{"id":"r-9999999999","number":99');
    const { log, entries } = capturingLogger();
    const store = await FileStore.open(dir, { ...small, log });
    const warning = entries().find((l) => l.msg === 'history segment has unreadable lines; they are skipped');
    assert.equal(warning?.level, 'warn');
    assert.deepEqual(numbers(await store.loadRuns({ limit: 100 })), range(1, 12).reverse());
    const before = await readFile(last, 'utf8');
    for (let n = 13; n <= 20; n++) store.saveRun(settledRun(n));
    await store.close();
    assert.equal(await readFile(last, 'utf8'), before, 'the damaged segment is left as it is');
    const again = await FileStore.open(dir, small);
    assert.deepEqual(numbers(await again.loadRuns({ limit: 100 })), range(1, 20).reverse());
    await again.close();
  });

  it('skips a damaged line in the middle of a segment and a line that is not a run', async () => {
    await (await storeWith(range(1, 12).map((n) => settledRun(n)))).close();
    const first = join(history, (await segmentFiles())[0]);
    const text = await readFile(first, 'utf8');
    const [line1, ...rest] = text.split('\n');
    await writeFile(first, [line1, 'garbage{', '{"id":"x","number":"seven"}', ...rest].join('\n'));
    await unlink(`${first.slice(0, -'.jsonl'.length)}.index.json`);
    const { log, entries } = capturingLogger();
    const store = await FileStore.open(dir, { ...small, log });
    assert.ok(entries().some((l) => l.level === 'warn'));
    assert.deepEqual(numbers(await store.loadRuns({ limit: 100 })), range(1, 12).reverse());
    await store.close();
  });

  it('rebuilds a missing or stale sidecar and removes one whose segment is gone', async () => {
    const runs = range(1, 12).map((n) => settledRun(n));
    // One run per segment, so there are several sealed segments with sidecars to damage.
    const tiny = { ...small, segmentBytes: 200 };
    await (await storeWith(runs, tiny)).close();
    const sidecars = (await readdir(history)).filter((f) => f.endsWith('.index.json')).sort();
    await unlink(join(history, sidecars[0]));
    await writeFile(join(history, sidecars[1]), '{"version":1,"bytes":1,"ids":[]}');
    await writeFile(join(history, 'runs-000999.index.json'), '{}');
    const store = await FileStore.open(dir, tiny);
    for (const run of runs) assert.deepEqual(await store.loadRunByNumber(run.number), run);
    assert.equal(existsSync(join(history, 'runs-000999.index.json')), false);
    assert.ok(existsSync(join(history, sidecars[0])), 'rebuilt');
    await store.close();
  });

  it('moves the finished runs of a version 2 file to history on the first write', async () => {
    const runs = [...range(1, 15).map((n) => settledRun(n)), storedRun(16, 'running')];
    const first = await storeWith(runs, { liveFinished: 100 });
    await first.close();
    const v3 = JSON.parse(await readFile(join(dir, 'trainyard.json'), 'utf8'));
    await rm(history, { recursive: true });
    await writeFile(join(dir, 'trainyard.json'), JSON.stringify({ ...v3, version: 2 }, null, 2));

    const store = await FileStore.open(dir, small);
    assert.deepEqual(numbers(store.listRuns()), range(1, 16).reverse(), 'all there before the first write');
    await store.flush();
    assert.deepEqual(numbers(store.listRuns()), [16, ...range(11, 15).reverse()]);
    assert.equal(JSON.parse(await readFile(join(dir, 'trainyard.json'), 'utf8')).version, 3);
    await store.close();
    const again = await FileStore.open(dir, small);
    for (const run of runs) assert.deepEqual(await again.loadRunByNumber(run.number), run);
    await again.close();
  });

  it('keeps the live file small however long the history', async () => {
    const store = await storeWith(range(1, 200).map((n) => settledRun(n)));
    const liveBytes = (await stat(join(dir, 'trainyard.json'))).size;
    assert.ok(liveBytes < 5 * 1000, `${liveBytes} bytes for five runs`);
    await store.close();
  });
});

const schedule: Schedule = {
  name: 'nightly',
  cron: '0 3 * * *',
  timezone: 'UTC',
  template: 'demo',
  params: {},
  options: {},
  policy: 'forbid',
  channel: 'C1',
  owner: 'U1',
  paused: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  startingDeadlineSeconds: 300,
};

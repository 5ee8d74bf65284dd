import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FileStore } from '../../../src/adapters/store/FileStore.ts';
import type { FileStoreOptions } from '../../../src/adapters/store/file-store-options.ts';
import { capturingLogger } from '../../support/capturing-logger.ts';
import { type GroupCase, groupCases, pipelines, sweeps } from './store-groups.ts';
import { settledRun, storedRun } from './store-runs.ts';

// What FileStore does on disk with sweeps and pipelines: the same two tiers as runs (live file,
// then `history/<kind>-NNNNNN.jsonl` segments), and the files it reads that were written before.

let dir: string;
let history: string;
let live: string;
let opened: FileStore[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trainyard-groups-'));
  history = join(dir, 'history');
  live = join(dir, 'trainyard.json');
});
afterEach(async () => {
  // A failed test leaves its store open, which would keep the process alive.
  for (const store of opened) await store.close().catch(() => {});
  opened = [];
  await rm(dir, { recursive: true, force: true });
});

async function openStore(opts?: FileStoreOptions): Promise<FileStore> {
  const store = await FileStore.open(dir, opts);
  opened.push(store);
  return store;
}

/** Three settled records of each kind live, a few a segment. */
const small: FileStoreOptions = { liveFinished: 3, segmentBytes: 3000, groups: { liveFinished: 3 } };

type Group = object & { number: number };
const numbers = (records: Group[]) => records.map((r) => r.number);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const files = async (kind: string) =>
  (await readdir(history)).filter((f) => f.startsWith(`${kind}-`) && f.endsWith('.jsonl')).sort();
const readLive = async () => JSON.parse(await readFile(live, 'utf8'));

describe('FileStore sweeps and pipelines on disk', () => {
  for (const kind of groupCases as GroupCase<Group>[]) {
    it(`moves settled ${kind.name} beyond the live window to history/${kind.name}-NNNNNN.jsonl`, async () => {
      const store = await openStore(small);
      const groups = kind.records(store);
      for (let n = 1; n <= 20; n++) groups.save(kind.settled(n));
      groups.save(kind.ended(21));
      groups.save(kind.active(22));
      await store.flush();
      const segments = await files(kind.name);
      assert.ok(segments.length >= 2, `several size-bounded segments: ${segments}`);
      assert.match(segments[0], new RegExp(`^${kind.name}-000001\\.jsonl$`));
      const onDisk = await readLive();
      assert.deepEqual(numbers(onDisk[kind.name]), [18, 19, 20, 21, 22], 'under way, owed, newest 3');
      assert.deepEqual(onDisk.runs, []);
      assert.deepEqual(Object.keys(onDisk.archivedTo).sort(), ['pipelines', 'runs', 'sweeps']);
      await store.close();

      const again = await openStore(small);
      for (let n = 1; n <= 20; n++)
        assert.deepEqual(await kind.records(again).loadByNumber(n), kind.settled(n));
      assert.equal(again.nextRunNumber(), 23);
      await again.close();
    });

    it(`keeps the live file small however many ${kind.name} have ended`, async () => {
      const store = await openStore(small);
      for (let n = 1; n <= 300; n++) kind.records(store).save(kind.settled(n));
      await store.flush();
      const bytes = (await stat(live)).size;
      assert.ok(bytes < 3 * 4000, `${bytes} bytes for three ${kind.name}`);
      await store.close();
    });

    it(`skips a ${kind.name} line that is damaged or not one of them, with a log line`, async () => {
      const store = await openStore(small);
      for (let n = 1; n <= 12; n++) kind.records(store).save(kind.settled(n));
      await store.close();
      const first = join(history, (await files(kind.name))[0]);
      const [line1, ...rest] = (await readFile(first, 'utf8')).split('\n');
      const run = JSON.stringify(settledRun(99));
      await writeFile(first, [line1, 'garbage{', run, ...rest].join('\n'));
      await unlink(first.replace(/\.jsonl$/, '.index.json')).catch(() => {});
      const { log, entries } = capturingLogger();
      const again = await openStore({ ...small, log });
      const warning = entries().find(
        (l) => l.msg === 'history segment has unreadable lines; they are skipped',
      );
      assert.equal(warning?.level, 'warn');
      assert.equal((warning as { lines?: number } | undefined)?.lines, 2);
      assert.deepEqual(numbers(await kind.records(again).loadNewest({ limit: 100 })), range(1, 12).reverse());
      assert.equal(await kind.records(again).loadByNumber(99), undefined);
      await again.close();
    });

    it(`refuses a live file whose ${kind.name} break the rules, naming the field, and leaves it alone`, async () => {
      const store = await openStore(small);
      kind.records(store).save(kind.active(1));
      await store.close();
      const onDisk = await readLive();
      onDisk[kind.name][0].number = 'one';
      const text = JSON.stringify(onDisk);
      await writeFile(live, text);
      await assert.rejects(
        FileStore.open(dir, small),
        new RegExp(
          `is not a valid Trainyard store \\(${kind.name}\\.0\\.number: Expected a positive whole number\\)`,
        ),
      );
      assert.equal(await readFile(live, 'utf8'), text);
    });
  }

  it('never hands out a number an archived sweep or pipeline has, whatever the live file says', async () => {
    const store = await openStore({ ...small, groups: { liveFinished: 0 } });
    for (let n = 1; n <= 10; n++) store.sweeps.save(sweeps.settled(n));
    for (let n = 11; n <= 20; n++) store.pipelines.save(pipelines.settled(n));
    await store.close();
    // A live file that lags behind its history (as after restoring an older copy of it).
    await writeFile(
      live,
      JSON.stringify({ ...(await readLive()), nextRunNumber: 1, sweeps: [], pipelines: [] }),
    );
    const again = await openStore(small);
    assert.equal(again.nextRunNumber(), 21);
    await again.close();
  });

  it('drops old group segments past their retention, with a log line, and tells onPrune only of runs', async () => {
    const pruned: string[] = [];
    const { log, entries } = capturingLogger();
    const opts = {
      ...small,
      groups: { liveFinished: 3, retention: 8 },
      onPrune: (ids: string[]) => pruned.push(...ids),
      log,
    };
    const store = await openStore(opts);
    for (let n = 1; n <= 40; n++) store.sweeps.save(sweeps.settled(n));
    for (let n = 41; n <= 50; n++) store.saveRun(settledRun(n));
    await store.flush();
    const kept = numbers(await store.sweeps.loadNewest({ limit: 100 }));
    assert.ok(kept.length >= 8 && kept.length < 20, `${kept.length} sweeps kept`);
    assert.deepEqual(kept, range(41 - kept.length, 40).reverse(), 'the oldest go first');
    assert.deepEqual(
      numbers(await store.loadRuns({ limit: 100 })),
      range(41, 50).reverse(),
      'runs keep theirs',
    );
    assert.deepEqual(pruned, []);
    const dropped = entries().filter((l) => l.msg === 'dropped old history') as { sweeps?: number }[];
    assert.equal(
      dropped.reduce((sum, l) => sum + (l.sweeps ?? 0), 0),
      40 - kept.length,
    );
    await store.close();
  });

  it('keeps 20 settled sweeps and 20 settled pipelines live by default', async () => {
    const store = await openStore();
    for (let n = 1; n <= 30; n++) store.sweeps.save(sweeps.settled(n));
    for (let n = 31; n <= 60; n++) store.pipelines.save(pipelines.settled(n));
    await store.flush();
    assert.deepEqual(numbers(store.sweeps.list()), range(11, 30).reverse());
    assert.deepEqual(numbers(store.pipelines.list()), range(41, 60).reverse());
    assert.deepEqual(store.stats().sweeps, { live: 20, archived: 10, segments: 1 });
    await store.close();
  });
});

describe('FileStore files written before sweeps and pipelines had a history', () => {
  it('reads a version 3 file without their sections, and writes them from then on', async () => {
    const first = await openStore(small);
    for (let n = 1; n <= 8; n++) first.saveRun(settledRun(n));
    first.saveRun(storedRun(9, 'running'));
    await first.close();
    const { sweeps: _s, pipelines: _p, ...before } = await readLive();
    before.archivedTo = { runs: before.archivedTo.runs };
    await writeFile(live, JSON.stringify(before));

    const store = await openStore(small);
    assert.deepEqual(store.sweeps.list(), []);
    assert.deepEqual(await store.pipelines.loadNewest({ limit: 5 }), []);
    assert.equal(store.getRunByNumber(9)?.state, 'running');
    assert.deepEqual(numbers(await store.loadRuns({ limit: 100 })), range(1, 9).reverse());
    store.sweeps.save(sweeps.active(store.nextRunNumber()));
    await store.close();
    assert.deepEqual(numbers((await readLive()).sweeps), [10]);
  });

  it('reads a file that kept every sweep and pipeline live, and moves the settled ones to history', async () => {
    // As the stopgap wrote it: each record as saved (not id first), none archived, no position.
    const allSweeps = range(1, 20).map((n) => sweeps.settled(n));
    const allPipelines = range(21, 40).map((n) => pipelines.settled(n));
    const running = sweeps.active(41);
    const stopgap = {
      version: 3,
      nextRunNumber: 42,
      archivedTo: { runs: [0, 0] },
      schedules: [],
      keys: {},
      runs: [],
      sweeps: [...allSweeps, running].map(({ id: _id, ...rest }) => ({ ...rest, id: _id })),
      pipelines: allPipelines,
    };
    await writeFile(live, JSON.stringify(stopgap));
    const store = await openStore(small);
    assert.deepEqual(
      numbers(store.sweeps.list()),
      [41, ...range(1, 20).reverse()],
      'all there before the first write',
    );
    await store.flush();
    assert.deepEqual(numbers(store.sweeps.list()), [41, 20, 19, 18]);
    assert.deepEqual(numbers(store.pipelines.list()), [40, 39, 38]);
    await store.close();
    const again = await openStore(small);
    for (const sweep of [...allSweeps, running])
      assert.deepEqual(await again.sweeps.loadByNumber(sweep.number), sweep);
    for (const p of allPipelines) assert.deepEqual(await again.pipelines.load(p.id), p);
    assert.equal(again.nextRunNumber(), 42);
    await again.close();
  });
});

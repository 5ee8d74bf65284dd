import assert from 'node:assert/strict';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FileStore } from '../../../src/adapters/store/FileStore.ts';
import type { FileStoreOptions } from '../../../src/adapters/store/file-store-options.ts';
import type { HistoryPoint } from '../../../src/adapters/store/history/record-kind.ts';
import type { Run } from '../../../src/core/run/run.ts';
import { numbers, range, SMALL_STORE, settledRun, storedRun, storeWithRuns } from './store-runs.ts';

// Writes that fail, and the states a kill leaves between a segment append and the live rewrite
// (the kill -9 test itself is FileStore.crash.test.ts).

let dir: string;
let history: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trainyard-failures-'));
  history = join(dir, 'history');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const small = SMALL_STORE;
const storeWith = (runs: Run[], opts?: FileStoreOptions) => storeWithRuns(dir, runs, opts);

describe('FileStore when a write fails', () => {
  it('says so in one sentence, keeps every change, and writes it once it can', async () => {
    const store = await storeWith([settledRun(1)]);
    const temp = join(dir, '.trainyard.json.tmp');
    await mkdir(temp);
    store.saveRun(storedRun(2, 'running'));
    await assert.rejects(store.flush(), (error: Error) => {
      assert.match(error.message, /^Cannot write .*trainyard\.json or its history \(.*\); check the disk/);
      assert.equal(error.message.split('\n').length, 1);
      return true;
    });
    assert.equal(store.getRunByNumber(2)?.state, 'running');
    await rm(temp, { recursive: true });
    await store.close();
    const again = await FileStore.open(dir, small);
    assert.equal(again.getRunByNumber(2)?.state, 'running');
    await again.close();
  });

  it('keeps runs live when their segment cannot be appended to, and moves them later', async () => {
    const store = await storeWith(range(1, 5).map((n) => settledRun(n)));
    // The segment the next runs would go to cannot be created.
    const blocked = join(history, 'runs-000001.jsonl');
    assert.equal(existsSync(blocked), false);
    await mkdir(blocked);
    for (let n = 6; n <= 12; n++) store.saveRun(settledRun(n));
    await assert.rejects(store.flush());
    assert.deepEqual(numbers(store.listRuns()), range(1, 12).reverse(), 'nothing left the live file');
    await rm(blocked, { recursive: true });
    await store.close();
    const again = await FileStore.open(dir, small);
    assert.deepEqual(numbers(await again.loadRuns({ limit: 100 })), range(1, 12).reverse());
    assert.deepEqual(numbers(again.listRuns()), range(8, 12).reverse());
    await again.close();
  });
});

describe('FileStore after a crash between a segment append and the live rewrite', () => {
  /**
   * A store whose hook, once armed, copies the data folder at the next `point`: the folder as a
   * kill at that moment would leave it.
   */
  async function storeCopiedAt(point: HistoryPoint) {
    const data = join(dir, 'data');
    const copy = join(dir, 'copy');
    let armed = false;
    const hook = (reached: HistoryPoint) => {
      if (reached !== point || !armed) return;
      armed = false;
      cpSync(data, copy, { recursive: true });
      rmSync(join(copy, 'trainyard.json.lock'));
    };
    const store = await FileStore.open(data, { ...small, liveFinished: 0, hook });
    const arm = () => {
      armed = true;
    };
    return { store, arm, copy: () => FileStore.open(copy, { ...small, liveFinished: 0 }) };
  }

  it('keeps the archived copy when it is the newer one', async () => {
    const { store, arm, copy } = await storeCopiedAt('segment-appended');
    store.saveRun(storedRun(1, 'running'));
    await store.flush();
    arm();
    store.saveRun(settledRun(1));
    await store.flush();
    await store.close();
    const crashed = await copy();
    assert.equal(crashed.getRunByNumber(1), undefined, 'the stale live copy is dropped');
    assert.deepEqual(await crashed.loadRunByNumber(1), settledRun(1));
    assert.deepEqual(numbers(await crashed.loadRuns({ limit: 10 })), [1]);
    await crashed.close();
  });

  it('keeps the live copy when the run was saved again after it was archived', async () => {
    const { store, arm, copy } = await storeCopiedAt('live-written');
    store.saveRun(settledRun(1));
    await store.flush();
    arm();
    const again = { ...settledRun(1), state: 'running' as const, reason: 'saved again' };
    store.saveRun(again);
    store.saveRun(settledRun(2));
    await store.flush();
    await store.close();
    const crashed = await copy();
    assert.equal((await crashed.loadRunByNumber(1))?.reason, 'saved again');
    assert.deepEqual(numbers(await crashed.loadRuns({ limit: 10 })), [2, 1]);
    await crashed.close();
  });
});

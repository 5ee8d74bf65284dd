import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStore } from '../../../src/adapters/store/FileStore.ts';
import type { Store } from '../../../src/ports/store.ts';
import { MemoryStore } from '../../support/memory-store.ts';

// The Store implementations the contract suites (store-contract*.test.ts) hold to the same
// behaviours: the one the bot runs on and the one the service tests run on, so a test that
// passes on one means the same on the other.

export interface StoreUnderTest {
  name: string;
  /** A fresh, empty store. FileStore gets a tiny live window and segments, so history is used. */
  open(opts?: { retention?: number }): Promise<Store>;
  /** The same store after a restart (persistent stores only). */
  reopen?(store: Store): Promise<Store>;
}

const dirs: string[] = [];
const opened: Store[] = [];

/**
 * Closes every store opened here (one a failed test left open would keep the process alive) and
 * removes their folders; call it after the suite.
 */
export async function removeStoreFolders(): Promise<void> {
  for (const store of opened.splice(0)) await store.close().catch(() => {});
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
}

const fileStores = new Map<Store, { dir: string; retention?: number }>();
/** Two settled records of each kind live; a few records a segment. */
const small = (retention?: number) => ({
  liveFinished: 2,
  segmentBytes: 1500,
  retention,
  groups: { liveFinished: 2, retention },
});

export const implementations: StoreUnderTest[] = [
  { name: 'MemoryStore', open: async () => new MemoryStore() },
  {
    name: 'FileStore',
    open: async (opts = {}) => {
      const dir = await mkdtemp(join(tmpdir(), 'trainyard-contract-'));
      dirs.push(dir);
      const store = await FileStore.open(dir, small(opts.retention));
      fileStores.set(store, { dir, retention: opts.retention });
      opened.push(store);
      return store;
    },
    reopen: async (store) => {
      await store.close();
      const { dir, retention } = fileStores.get(store)!;
      const again = await FileStore.open(dir, small(retention));
      fileStores.set(again, { dir, retention });
      opened.push(again);
      return again;
    },
  },
];

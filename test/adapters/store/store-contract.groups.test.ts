import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { GroupRecords, Store } from '../../../src/ports/store.ts';
import { type GroupCase, groupCases } from './store-groups.ts';
import { settledRun, storedRun } from './store-runs.ts';
import { implementations, removeStoreFolders } from './stores-under-test.ts';

// Sweeps and pipelines (Store.sweeps, Store.pipelines) behave like runs in every Store: values
// copied in and out, numbers from the run sequence and never handed out again, newest first, and
// in FileStore (two settled ones live, tiny segments) the older ones reachable from history.

after(removeStoreFolders);

type Group = object & { number: number };
const numbers = (records: Group[]) => records.map((r) => r.number);
const note = (record: Group | undefined) => (record as { note?: string } | undefined)?.note;
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

for (const impl of implementations) {
  for (const kind of groupCases as GroupCase<Group>[]) {
    describe(`Store contract: ${impl.name} ${kind.name}`, () => {
      const open = async (opts?: { retention?: number }) => {
        const store = await impl.open(opts);
        return { store, groups: kind.records(store) };
      };

      it('take their numbers from the run sequence, which never hands out one in use', async () => {
        const { store, groups } = await open();
        const first = store.nextRunNumber();
        groups.save(kind.active(first));
        store.saveRun(storedRun(store.nextRunNumber(), 'running'));
        groups.save(kind.active(store.nextRunNumber()));
        assert.deepEqual([first, store.nextRunNumber()], [1, 4]);
        groups.save(kind.active(9));
        assert.equal(store.nextRunNumber(), 10, 'a saved group’s number is never handed out');
        assert.equal(store.getRunByNumber(1), undefined, 'a group is not a run');
        await store.close();
      });

      it('never reuse a number, even after history was dropped and across restarts', async () => {
        let { store, groups } = await open({ retention: 3 });
        for (let i = 0; i < 30; i++) {
          const n = store.nextRunNumber();
          if (i % 3 === 0) store.saveRun(settledRun(n));
          else groups.save(kind.settled(n));
        }
        await store.flush();
        if (impl.reopen) {
          store = await impl.reopen(store);
          groups = kind.records(store);
        }
        assert.equal(store.nextRunNumber(), 31);
        await store.close();
      });

      it('keep their own copy of what is saved, and every read hands out a copy', async () => {
        const { store, groups } = await open();
        const mine = kind.active(1, { note: 'mine', nested: { list: [1, 2] } }) as Group & {
          note: string;
          nested: { list: number[] };
        };
        groups.save(mine);
        mine.note = 'changed after saving';
        mine.nested.list.push(3);
        const reads: (Group | undefined)[] = [
          groups.get(kind.id(1)),
          groups.getByNumber(1),
          groups.list()[0],
          await groups.load(kind.id(1)),
          await groups.loadByNumber(1),
          (await groups.loadNewest({ limit: 1 }))[0],
        ];
        for (const read of reads) {
          const got = read as typeof mine;
          assert.equal(got.note, 'mine');
          assert.deepEqual(got.nested.list, [1, 2]);
          got.note = 'changed by a reader';
          got.nested.list.push(4);
        }
        assert.deepEqual(groups.get(kind.id(1)), kind.active(1, { note: 'mine', nested: { list: [1, 2] } }));
        await store.close();
      });

      it('replace by id, are found by id and number, and keep fields the store does not know', async () => {
        const { store, groups } = await open();
        groups.save(kind.active(1, { note: 'first' }));
        groups.save(kind.ended(1, { note: 'second' }));
        assert.equal(note(groups.get(kind.id(1))), 'second');
        assert.equal(note(groups.getByNumber(1)), 'second');
        assert.equal(groups.list().length, 1);
        assert.equal(groups.get('x-nothing'), undefined);
        assert.equal(groups.getByNumber(99), undefined);
        assert.equal(await groups.load('x-nothing'), undefined);
        assert.equal(await groups.loadByNumber(99), undefined);
        await store.close();
      });

      it('list: newest first, active or ended, limited', async () => {
        const { store, groups } = await open();
        groups.save(kind.settled(2));
        groups.save(kind.active(3));
        groups.save(kind.active(1));
        groups.save(kind.ended(4));
        assert.deepEqual(numbers(groups.list()), [4, 3, 2, 1]);
        assert.deepEqual(numbers(groups.list({ active: true })), [3, 1]);
        assert.deepEqual(numbers(groups.list({ active: false })), [4, 2]);
        assert.deepEqual(numbers(groups.list({ limit: 2 })), [4, 3]);
        assert.deepEqual(numbers(groups.list({ active: true, limit: 1 })), [3]);
        await store.close();
      });

      it('list always sees those under way and those still owed their notice or a card update', async () => {
        const { store, groups } = await open();
        groups.save(kind.active(1));
        groups.save(kind.ended(2));
        groups.save(kind.settled(3, { cardStale: true }));
        for (let n = 4; n <= 30; n++) groups.save(kind.settled(n));
        await store.flush();
        const listed = numbers(groups.list());
        for (const n of [1, 2, 3]) assert.ok(listed.includes(n), `#${n} is live: ${listed}`);
        assert.deepEqual(numbers(groups.list({ limit: 2 })), [30, 29], 'and the newest settled ones');
        await store.close();
      });

      it('load, loadByNumber and loadNewest reach those no longer live, newest first', async () => {
        const { store, groups } = await open();
        const saved = range(1, 30).map((n) => kind.settled(n, { launchedBy: n % 2 === 0 ? 'U2' : 'U1' }));
        for (const record of saved) groups.save(record);
        groups.save(kind.active(31, { launchedBy: 'U2' }));
        store.saveRun(settledRun(32, { launchedBy: 'U2' }));
        await store.flush();
        for (const record of saved) {
          assert.deepEqual(await groups.load(kind.id(record.number)), record);
          assert.deepEqual(await groups.loadByNumber(record.number), record);
        }
        assert.deepEqual(numbers(await groups.loadNewest({ limit: 4 })), [31, 30, 29, 28]);
        assert.deepEqual(numbers(await groups.loadNewest({ owner: 'U1', limit: 3 })), [29, 27, 25]);
        assert.deepEqual(numbers(await groups.loadNewest({ owner: 'U2', before: 31, limit: 2 })), [30, 28]);
        assert.deepEqual(numbers(await groups.loadNewest({ before: 4, limit: 5 })), [3, 2, 1]);
        assert.deepEqual(numbers(await groups.loadNewest({ owner: 'U3', limit: 5 })), []);
        const everything = await groups.loadNewest({ limit: 100 });
        assert.deepEqual(numbers(everything), range(1, 31).reverse(), 'each once, runs not among them');
        assert.deepEqual(everything.at(-1), saved[0]);
        await store.close();
      });

      it('bring one saved again after it moved to history back live, and list it once', async () => {
        const { store, groups } = await open();
        for (let n = 1; n <= 12; n++) groups.save(kind.settled(n));
        await store.flush();
        const old = (await groups.loadByNumber(2))!;
        groups.save({ ...old, note: 'edited later' } as Group);
        assert.equal(note(groups.getByNumber(2)), 'edited later');
        assert.deepEqual(numbers(await groups.loadNewest({ limit: 100 })), range(1, 12).reverse());
        for (let n = 13; n <= 20; n++) groups.save(kind.settled(n));
        await store.flush();
        assert.equal(note(await groups.loadByNumber(2)), 'edited later');
        assert.deepEqual(numbers(await groups.loadNewest({ limit: 100 })), range(1, 20).reverse());
        await store.close();
      });

      it('refuse a record without what the store files it by, and keep nothing of it', async () => {
        const { store, groups } = await open();
        assert.throws(() => groups.save(kind.broken(1)), /record cannot be stored \((state|end)/);
        assert.throws(() => groups.save({ ...kind.active(2), number: 0 }), /number: Expected a positive/);
        assert.equal(groups.getByNumber(1), undefined);
        assert.equal(groups.getByNumber(2), undefined);
        assert.equal(store.nextRunNumber(), 1);
        await store.close();
      });

      const { reopen } = impl;
      if (reopen) {
        it('are all there after a restart, live and archived, with the fields the store does not know', async () => {
          let store: Store = (await open()).store;
          let groups: GroupRecords<Group> = kind.records(store);
          const saved = range(1, 12).map((n) => kind.settled(n, { note: `n${n}` }));
          for (const record of saved) groups.save(record);
          groups.save(kind.active(13, { note: 'under way' }));
          store = await reopen(store);
          groups = kind.records(store);
          for (const record of saved) assert.deepEqual(await groups.loadByNumber(record.number), record);
          assert.deepEqual(groups.getByNumber(13), kind.active(13, { note: 'under way' }));
          assert.deepEqual(numbers(groups.list({ active: true })), [13]);
          assert.equal(store.nextRunNumber(), 14);
          await store.close();
        });
      }
    });
  }
}

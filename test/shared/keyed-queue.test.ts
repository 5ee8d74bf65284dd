import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyedQueue } from '../../src/shared/keyed-queue.ts';
import { KeyedWaiters } from '../../src/shared/keyed-waiters.ts';

/** A promise and the means to settle it from outside. */
function gate<T = void>() {
  let open!: (value: T) => void;
  let fail!: (error: unknown) => void;
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

describe('KeyedQueue', () => {
  it('runs one key’s work in order, one item at a time, and other keys side by side', async () => {
    const queue = new KeyedQueue(() => {});
    const seen: string[] = [];
    const first = gate();
    const a1 = queue.run('a', async () => {
      seen.push('a1 start');
      await first.promise;
      seen.push('a1 end');
      return 1;
    });
    const a2 = queue.run('a', async () => {
      seen.push('a2');
      return 2;
    });
    const b1 = queue.run('b', async () => {
      seen.push('b1');
      return 3;
    });
    assert.equal(await b1, 3);
    assert.deepEqual(seen, ['a1 start', 'b1'], 'b does not wait for a');
    first.open();
    assert.deepEqual([await a1, await a2], [1, 2]);
    assert.deepEqual(seen, ['a1 start', 'b1', 'a1 end', 'a2']);
  });

  it('reports a failure once, to its caller and to onError, and goes on with the next item', async () => {
    const errors: [string, unknown][] = [];
    const queue = new KeyedQueue((key, error) => errors.push([key, error]));
    const boom = new Error('boom');
    const failed = queue.run('a', async () => {
      throw boom;
    });
    const next = queue.run('a', async () => 'next');
    await assert.rejects(failed, boom);
    assert.equal(await next, 'next');
    await queue.idle();
    assert.deepEqual(errors, [['a', boom]]);
  });

  it('is idle only once the work queued meanwhile is done too, and then forgets the key', async () => {
    const queue = new KeyedQueue(() => {});
    const done: string[] = [];
    void queue.run('a', async () => {
      void queue.run('b', async () => {
        done.push('b');
      });
      done.push('a');
    });
    assert.equal(queue.empty, false);
    await queue.idle();
    assert.deepEqual(done, ['a', 'b']);
    assert.equal(queue.empty, true);
  });
});

describe('KeyedWaiters', () => {
  it('tells everyone waiting for a key, once, and no one waiting for another', async () => {
    const waiters = new KeyedWaiters<number>();
    const told: string[] = [];
    const one = waiters.wait('x').then((v) => told.push(`one ${v}`));
    const two = waiters.wait('x').then((v) => told.push(`two ${v}`));
    void waiters.wait('y').then(() => told.push('y'));
    waiters.tell('x', 7);
    waiters.tell('x', 8);
    await Promise.all([one, two]);
    assert.deepEqual(told, ['one 7', 'two 7']);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CoalescedWrites } from '../../../src/adapters/store/CoalescedWrites.ts';

describe('CoalescedWrites.flush', () => {
  it('resolves only once the changes made before it are written, even when another flush started the write', async () => {
    let state = 0;
    let onDisk = 0;
    const releases: (() => void)[] = [];
    const writes = new CoalescedWrites(
      async () => {
        const snapshot = state;
        await new Promise<void>((resolve) => releases.push(resolve));
        onDisk = snapshot;
      },
      { intervalMs: 60_000, onError: () => {} },
    );
    state = 1;
    writes.changed();
    const first = writes.flush();
    state = 2;
    writes.changed();
    // Two flushes wait on the first write; one of them starts the next, the other must wait for it too.
    const flushed: number[] = [];
    const second = writes.flush().then(() => flushed.push(onDisk));
    const third = writes.flush().then(() => flushed.push(onDisk));
    while (releases.length < 1) await new Promise((r) => setImmediate(r));
    releases.shift()?.();
    await first;
    while (releases.length < 1) await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(flushed, [], 'no flush returns while the change it covers is still being written');
    releases.shift()?.();
    await Promise.all([second, third]);
    assert.deepEqual(flushed, [2, 2]);
    writes.stop();
  });
});

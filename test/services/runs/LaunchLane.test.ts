import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LaunchLane } from '../../../src/services/runs/LaunchLane.ts';

const turns = (n: number) => new Promise((resolve) => setImmediate(resolve)).then(() => n);
async function loopTurns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await turns(i);
}

describe('LaunchLane', () => {
  it('lets work start at once while the chat is not busy', async () => {
    const lane = new LaunchLane({ busy: () => false });
    const started: number[] = [];
    const all = [1, 2, 3].map((n) => lane.turn().then(() => started.push(n)));
    await Promise.all(all);
    assert.deepEqual(started, [1, 2, 3]);
  });

  it('holds work back while the chat is busy and lets it go, in order, once it is not', async () => {
    let busy = true;
    // A minimum rate far beyond the test: only the end of the burst can let the held work go.
    const lane = new LaunchLane({ busy: () => busy, everyMs: 60_000, pollMs: 1 });
    const started: number[] = [];
    const all = [1, 2, 3, 4].map((n) => lane.turn().then(() => started.push(n)));
    await loopTurns(50);
    // The first goes (nothing started for a minute), the rest wait for the burst to end.
    assert.deepEqual(started, [1]);
    busy = false;
    await Promise.all(all);
    assert.deepEqual(started, [1, 2, 3, 4]);
  });

  it('still starts work while the chat stays busy for good', async () => {
    const lane = new LaunchLane({ busy: () => true, everyMs: 1, pollMs: 1 });
    const started: number[] = [];
    await Promise.all(Array.from({ length: 5 }, (_, n) => lane.turn().then(() => started.push(n))));
    assert.deepEqual(started, [0, 1, 2, 3, 4]);
  });

  it('keeps work that arrives while older work waits behind it', async () => {
    let busy = true;
    const lane = new LaunchLane({ busy: () => busy, everyMs: 60_000, pollMs: 1 });
    const started: string[] = [];
    const first = lane.turn().then(() => started.push('a'));
    const second = lane.turn().then(() => started.push('b'));
    await loopTurns(10);
    busy = false;
    // Not busy any more, but older work is waiting: this one queues behind it.
    const third = lane.turn().then(() => started.push('c'));
    await Promise.all([first, second, third]);
    assert.deepEqual(started, ['a', 'b', 'c']);
  });
});

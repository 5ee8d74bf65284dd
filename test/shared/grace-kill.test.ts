import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { graceKill } from '../../src/shared/grace-kill.ts';

describe('graceKill', () => {
  it('asks at once and kills after the grace unless cancelled', async () => {
    const calls: string[] = [];
    const killed = new Promise<void>((resolve) => {
      void graceKill({ term: () => void calls.push('term'), kill: () => resolve(), graceMs: 1 });
    });
    assert.deepEqual(calls, ['term']);
    await killed;

    let kills = 0;
    const stop = await graceKill({ term: () => {}, kill: () => kills++, graceMs: 1 });
    stop.cancel();
    // A later timer firing proves the cancelled one had its chance.
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(kills, 0);
  });

  it('arms no kill when asking fails, and keeps the first kill when asked again', async () => {
    let kills = 0;
    await assert.rejects(
      graceKill({
        term: async () => {
          throw new Error('gone');
        },
        kill: () => kills++,
        graceMs: 1,
      }),
      /gone/,
    );
    const first = await graceKill({ term: () => {}, kill: () => kills++, graceMs: 1 });
    const again = await graceKill({ term: () => {}, kill: () => kills++, graceMs: 1, pending: first });
    assert.equal(again, first);
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(kills, 1);
  });
});

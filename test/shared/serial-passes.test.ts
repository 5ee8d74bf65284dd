import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SerialPasses } from '../../src/shared/serial-passes.ts';

/** Passes that record which key each ran for, and a wait for the first one. */
function recorder() {
  const ran: string[] = [];
  let first: () => void = () => {};
  const firstRan = new Promise<void>((resolve) => {
    first = resolve;
  });
  const passes = new SerialPasses<string>(
    async (key) => {
      ran.push(key);
      first();
    },
    () => assert.fail('no pass fails here'),
  );
  return { ran, passes, firstRan };
}

/**
 * Waits past a pokeSoon of `ms`: Node fires timers in order of when they are due, so a later
 * timer's callback runs after any pass asked for sooner would have been poked.
 */
const pastDue = (ms: number) => sleep(ms * 4);

describe('SerialPasses.pokeSoon', () => {
  it('turns a burst of pokes for one key into one pass, and keys apart into one pass each', async () => {
    const { ran, passes, firstRan } = recorder();
    for (let i = 0; i < 500; i++) passes.pokeSoon(i % 2 ? 'a' : 'b', 5);
    assert.deepEqual(ran, [], 'nothing runs before the time is up');
    await firstRan;
    await pastDue(5);
    await passes.idle();
    assert.deepEqual(ran.sort(), ['a', 'b']);
    // After the pass, a new burst is a new pass.
    passes.pokeSoon('a', 5);
    passes.pokeSoon('a', 5);
    await pastDue(5);
    await passes.idle();
    assert.deepEqual(ran.sort(), ['a', 'a', 'b']);
  });

  it('is covered by a poke now: the later pass is dropped', async () => {
    const { ran, passes } = recorder();
    passes.pokeSoon('a', 5);
    passes.poke('a');
    await passes.idle();
    await pastDue(5);
    await passes.idle();
    assert.deepEqual(ran, ['a']);
  });

  it('runs nothing asked for later once stopped (shutting down)', async () => {
    const { ran, passes } = recorder();
    passes.pokeSoon('a', 5);
    passes.stop();
    await pastDue(5);
    await passes.idle();
    assert.deepEqual(ran, []);
  });
});

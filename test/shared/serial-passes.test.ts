import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { SerialPasses } from '../../src/shared/serial-passes.ts';

/** Passes that record which key each ran for. */
function recorder() {
  const ran: string[] = [];
  const passes = new SerialPasses<string>(
    async (key) => {
      ran.push(key);
    },
    () => assert.fail('no pass fails here'),
  );
  return { ran, passes };
}

describe('SerialPasses.pokeSoon', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  it('turns a burst of pokes for one key into one pass, and keys apart into one pass each', async () => {
    const { ran, passes } = recorder();
    for (let i = 0; i < 500; i++) passes.pokeSoon(i % 2 ? 'a' : 'b', 200);
    assert.deepEqual(ran, [], 'nothing runs before the time is up');
    mock.timers.tick(200);
    await passes.idle();
    assert.deepEqual(ran.sort(), ['a', 'b']);
    // After the pass, a new burst is a new pass.
    passes.pokeSoon('a', 200);
    passes.pokeSoon('a', 200);
    mock.timers.tick(200);
    await passes.idle();
    assert.deepEqual(ran.sort(), ['a', 'a', 'b']);
  });

  it('is covered by a poke now: the later pass is dropped', async () => {
    const { ran, passes } = recorder();
    passes.pokeSoon('a', 200);
    passes.poke('a');
    await passes.idle();
    mock.timers.tick(1_000);
    await passes.idle();
    assert.deepEqual(ran, ['a']);
  });

  it('runs nothing asked for later once stopped (shutting down)', async () => {
    const { ran, passes } = recorder();
    passes.pokeSoon('a', 200);
    passes.stop();
    mock.timers.tick(1_000);
    await passes.idle();
    assert.deepEqual(ran, []);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Backoff, backoffDelay, retrying, wakeableSleep } from '../../src/shared/backoff.ts';

describe('backoffDelay', () => {
  it('grows exponentially up to the cap, with jitter in the upper half', () => {
    const policy = { baseMs: 100, maxMs: 1000 };
    assert.equal(
      backoffDelay(0, policy, () => 0),
      50,
    );
    assert.equal(
      backoffDelay(0, policy, () => 1),
      100,
    );
    assert.equal(
      backoffDelay(3, policy, () => 1),
      800,
    );
    assert.equal(
      backoffDelay(10, policy, () => 1),
      1000,
    );
    assert.equal(
      backoffDelay(10, policy, () => 0),
      500,
    );
  });

  it('never overflows however many attempts there were', () => {
    assert.equal(
      backoffDelay(10_000, { baseMs: 100, maxMs: 1000 }, () => 1),
      1000,
    );
  });
});

describe('Backoff', () => {
  it('waits longer after each failure in a row and starts over after a success', () => {
    const backoff = new Backoff({ baseMs: 100, maxMs: 1000 }, () => 1);
    assert.deepEqual([backoff.next(), backoff.next(), backoff.next()], [100, 200, 400]);
    assert.equal(backoff.attempts, 3);
    backoff.reset();
    assert.equal(backoff.attempts, 0);
    assert.equal(backoff.next(), 100);
  });
});

describe('retrying', () => {
  const policy = { baseMs: 1, maxMs: 2 };

  it('tries again after retryable failures and returns the first success', async () => {
    const seen: number[] = [];
    const retries: number[] = [];
    const result = await retrying(
      async (attempt) => {
        seen.push(attempt);
        if (attempt < 2) throw new Error('flaky');
        return 'done';
      },
      { attempts: 5, policy, retryable: () => true, onRetry: (_err, attempt) => retries.push(attempt) },
    );
    assert.equal(result, 'done');
    assert.deepEqual(seen, [0, 1, 2]);
    assert.deepEqual(retries, [0, 1]);
  });

  it('gives up at once on a failure that is not retryable, and after the last try otherwise', async () => {
    let calls = 0;
    await assert.rejects(
      retrying(
        async () => {
          calls++;
          throw new Error('refused');
        },
        { attempts: 5, policy, retryable: () => false },
      ),
      /refused/,
    );
    assert.equal(calls, 1);
    calls = 0;
    await assert.rejects(
      retrying(
        async () => {
          calls++;
          throw new Error(`try ${calls}`);
        },
        { attempts: 3, policy, retryable: () => true },
      ),
      /try 3/,
    );
    assert.equal(calls, 3);
  });
});

describe('wakeableSleep', () => {
  it('ends early when woken', async () => {
    const sleep = wakeableSleep(60_000);
    sleep.wake();
    await sleep.done;
  });
});

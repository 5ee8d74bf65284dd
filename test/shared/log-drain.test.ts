import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DRAIN_CEILING_FACTOR, drainDeadline, waitForLogEnd } from '../../src/shared/log-drain.ts';

/** A log whose end the test decides, and that made no progress since the end. */
function scriptedLog() {
  let end!: () => void;
  const log = {
    done: new Promise<void>((resolve) => {
      end = resolve;
    }),
    progressAt: undefined,
  };
  return { log, end };
}

/** Whether the promise has settled by the time the event loop has turned (no wall-clock asserts). */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('drainDeadline', () => {
  it('waits drainMs after the end, or after the last progress since, never past the ceiling', () => {
    assert.equal(drainDeadline(1000, undefined, 100), 1100);
    assert.equal(drainDeadline(1000, 500, 100), 1100, 'progress before the end counts from the end');
    assert.equal(drainDeadline(1000, 1250, 100), 1350);
    assert.equal(drainDeadline(1000, 99_999, 100), 1000 + DRAIN_CEILING_FACTOR * 100);
  });
});

describe('waitForLogEnd', () => {
  it('resolves as soon as the log was read to its end', async () => {
    const { log, end } = scriptedLog();
    const waiting = waitForLogEnd(log, Date.now(), 60_000);
    assert.equal(await settled(waiting), false);
    end();
    assert.equal(await settled(waiting), true);
  });

  it('keeps waiting while the log makes progress, and gives it up once quiet for drainMs', async () => {
    const drainMs = 100;
    const endedAt = Date.now();
    // A log that has just made progress whenever it is asked, until `going` is turned off.
    let going = true;
    let asked = 0;
    const log = {
      done: new Promise<void>(() => {}),
      get progressAt() {
        asked++;
        if (asked === 4) going = false;
        return going ? Date.now() : endedAt;
      },
    };
    await waitForLogEnd(log, endedAt, drainMs);
    // It looked again after each wait, and ended only once the log went quiet (or at the ceiling).
    assert.ok(asked >= 4, `asked ${asked} times`);
    assert.ok(!going || Date.now() >= endedAt + DRAIN_CEILING_FACTOR * drainMs);
  });

  it('gives up a log that never stops, at the ceiling', async () => {
    const drainMs = 10;
    const endedAt = Date.now();
    const log = {
      done: new Promise<void>(() => {}),
      get progressAt() {
        return Date.now();
      },
    };
    await waitForLogEnd(log, endedAt, drainMs);
    assert.ok(Date.now() >= endedAt + DRAIN_CEILING_FACTOR * drainMs, 'not before the ceiling');
  });
});

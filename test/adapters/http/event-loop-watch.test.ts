import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Stall, StallDetector, watchEventLoop } from '../../../src/adapters/http/event-loop-watch.ts';
import { capturingLogger } from '../../support/capturing-logger.ts';
import { eventually } from '../../support/eventually.ts';

/** A detector fed with made-up timestamps: 100 ms ticks, 500 ms threshold, one warning a minute. */
function detector() {
  const stalls: Stall[] = [];
  const d = new StallDetector({
    thresholdMs: 500,
    intervalMs: 100,
    quietMs: 60_000,
    report: (s) => stalls.push(s),
  });
  return { d, stalls };
}

describe('StallDetector', () => {
  it('says nothing while the timer fires on time or a little late', () => {
    const { d, stalls } = detector();
    for (const t of [0, 100, 200, 350, 800]) d.tick(t); // the last one is 400 ms late
    assert.deepEqual(stalls, []);
  });

  it('reports a tick at least the threshold late as a stall of that length', () => {
    const { d, stalls } = detector();
    d.tick(1000);
    d.tick(1100);
    d.tick(1800); // 600 ms late
    assert.deepEqual(stalls, [{ blockedMs: 600, notLogged: 0, longestNotLoggedMs: 0 }]);
  });

  it('logs one line per stall at most once a minute, counting the ones in between into the next', () => {
    const { d, stalls } = detector();
    let t = 0;
    const stall = (ms: number) => {
      t += 100 + ms;
      d.tick(t);
    };
    d.tick(t);
    stall(700);
    stall(900); // within the minute: counted
    stall(2000); // counted
    for (let i = 0; i < 600; i++) stall(0); // a minute of calm
    stall(550);
    assert.deepEqual(stalls, [
      { blockedMs: 700, notLogged: 0, longestNotLoggedMs: 0 },
      { blockedMs: 550, notLogged: 2, longestNotLoggedMs: 2000 },
    ]);
  });
});

describe('watchEventLoop', () => {
  it('writes a warning when the event loop is really blocked', async () => {
    const { log, lines } = capturingLogger('warn', []);
    const watch = watchEventLoop({ log, thresholdMs: 500, intervalMs: 50, quietMs: 0 });
    try {
      // Block this thread for 800 ms without spinning (as a long synchronous store write would).
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 800);
      await eventually('a warning', () => lines.length > 0);
    } finally {
      watch.stop();
    }
    const warnings = lines.map((l) => JSON.parse(l));
    const blocked = warnings.find((w) => w.blockedMs >= 700);
    assert.ok(blocked, lines.join('\n'));
    assert.equal(blocked.level, 'warn');
    assert.match(blocked.msg, /^the event loop was blocked for \d+ ms/);
  });
});

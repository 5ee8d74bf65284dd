import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LineTail } from '../../../../src/adapters/runtimes/kubernetes/line-tail.ts';
import {
  advance,
  decodeLogCursor,
  encodeLogCursor,
  resumeSince,
  sortableTime,
  splitTimestamp,
} from '../../../../src/adapters/runtimes/kubernetes/log-lines.ts';
import { backoffDelay } from '../../../../src/shared/backoff.ts';

describe('log lines with timestamps', () => {
  it('splits the timestamp from the text and pads nanoseconds so times sort', () => {
    assert.deepEqual(splitTimestamp('2026-01-01T10:00:00.5Z epoch 1 loss=0.3'), {
      time: '2026-01-01T10:00:00.500000000Z',
      text: 'epoch 1 loss=0.3',
    });
    assert.ok(sortableTime('2026-01-01T10:00:00.1Z') < sortableTime('2026-01-01T10:00:00.12Z'));
    assert.deepEqual(splitTimestamp('no time here'), { time: '', text: 'no time here' });
  });

  it('resumes from the whole second of the last delivered line', () => {
    assert.equal(
      resumeSince({ time: '2026-01-01T10:00:07.123456789Z', countAtTime: 1 }),
      '2026-01-01T10:00:07Z',
    );
  });

  it('drops what was delivered when a stream is resumed, including lines sharing one timestamp', () => {
    const first = advance(undefined, [
      '2026-01-01T10:00:07.1Z a',
      '2026-01-01T10:00:07.2Z b',
      '2026-01-01T10:00:07.2Z c',
    ]);
    assert.deepEqual(first.text, ['a', 'b', 'c']);
    // The resumed stream starts at 10:00:07 and repeats a, b and c before the new d.
    const again = advance(first.cursor, [
      '2026-01-01T10:00:07.1Z a',
      '2026-01-01T10:00:07.2Z b',
      '2026-01-01T10:00:07.2Z c',
      '2026-01-01T10:00:07.2Z d',
      '2026-01-01T10:00:08Z e',
    ]);
    assert.deepEqual(again.text, ['d', 'e']);
  });

  it('keeps the pod with the cursor stored on the run, and ignores cursors it did not write', () => {
    const cursor = { time: '2026-01-01T10:00:07.200000000Z', countAtTime: 2 };
    const text = encodeLogCursor('train-4-abcde-x7k2p', cursor);
    assert.deepEqual(decodeLogCursor(text), { pod: 'train-4-abcde-x7k2p', cursor });
    assert.equal(decodeLogCursor(undefined), undefined);
    assert.equal(decodeLogCursor('2026-01-01T10:00:07.2Z'), undefined);
  });

  it('delivers every line exactly once however the stream is cut and resumed (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 5 }),
        (steps, cuts) => {
          // Times that sometimes repeat, always non-decreasing, spread over a few seconds.
          let ns = 0;
          const log = steps.map((step, i) => {
            ns += step * 300_000_000;
            const s = Math.floor(ns / 1e9);
            const frac = String(ns % 1e9).padStart(9, '0');
            return { line: `2026-01-01T10:00:${String(s).padStart(2, '0')}.${frac}Z line ${i}`, second: s };
          });
          const delivered: string[] = [];
          let cursor: ReturnType<typeof advance>['cursor'];
          let at = 0;
          for (const cut of [...cuts.map((c) => Math.min(c, log.length)).sort((a, b) => a - b), log.length]) {
            if (cut < at) continue;
            // Resume: the server sends everything from the cursor's whole second, up to the cut.
            const since = cursor ? Number(resumeSince(cursor).slice(17, 19)) : 0;
            const sent = log
              .slice(0, cut)
              .filter((l) => l.second >= since)
              .map((l) => l.line);
            const result = advance(cursor, sent);
            delivered.push(...result.text);
            cursor = result.cursor;
            at = cut;
          }
          assert.deepEqual(
            delivered,
            log.map((_, i) => `line ${i}`),
          );
        },
      ),
    );
  });
});

describe('LineTail', () => {
  it('keeps only the last lines, oldest first, and cuts runaway lines', () => {
    const tail = new LineTail(3, 5);
    tail.push(['1', '2']);
    assert.deepEqual(tail.last(10), ['1', '2']);
    tail.push(['3', '4', '5', 'abcdefgh']);
    assert.deepEqual(tail.last(10), ['4', '5', 'abcde…']);
    assert.deepEqual(tail.last(2), ['5', 'abcde…']);
  });
});

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
});

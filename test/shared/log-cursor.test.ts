import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  decodeLogCursor,
  encodeLogCursor,
  type LogPosition,
  resumeEpochSeconds,
  resumeSecond,
  sortableTime,
  splitLogTimestamp,
  TimestampedLog,
} from '../../src/shared/log-cursor.ts';

/** Every new text of `lines`, read by `log`. */
function take(log: TimestampedLog, lines: string[]): string[] {
  return lines.map((l) => log.take(l)).filter((t): t is string => t !== undefined);
}

describe('log timestamps', () => {
  it('splits the timestamp from the text and pads nanoseconds so times sort despite trimmed zeros', () => {
    assert.deepEqual(splitLogTimestamp('2026-01-01T10:00:00.5Z epoch 1 loss=0.3'), {
      time: '2026-01-01T10:00:00.500000000Z',
      text: 'epoch 1 loss=0.3',
    });
    assert.ok(sortableTime('2026-01-01T10:00:00.1Z') < sortableTime('2026-01-01T10:00:00.12Z'));
    const a = splitLogTimestamp('2026-11-28T21:40:00.1Z loss=0.5');
    const b = splitLogTimestamp('2026-11-28T21:40:00.099999999Z loss=0.4');
    assert.equal(a.text, 'loss=0.5');
    assert.equal(a.time, '2026-11-28T21:40:00.100000000Z');
    assert.ok((b.time ?? '') < (a.time ?? ''));
    assert.deepEqual(splitLogTimestamp('no time here'), { text: 'no time here' });
    assert.deepEqual(splitLogTimestamp('2026-01-01T10:00:00Z'), {
      time: '2026-01-01T10:00:00.000000000Z',
      text: '',
    });
  });

  it('resumes from the whole second of the position, as RFC 3339 and as epoch seconds', () => {
    const position = { time: '2026-11-28T21:40:07.123456789Z', linesInSecond: 1 };
    assert.equal(resumeSecond(position), '2026-11-28T21:40:07Z');
    assert.equal(resumeEpochSeconds(position), Date.UTC(2026, 10, 28, 21, 40, 7) / 1000);
  });
});

describe('TimestampedLog', () => {
  it('drops what was delivered when a stream is resumed, including lines sharing one timestamp', () => {
    const first = new TimestampedLog();
    assert.deepEqual(
      take(first, ['2026-01-01T10:00:07.1Z a', '2026-01-01T10:00:07.2Z b', '2026-01-01T10:00:07.2Z c']),
      ['a', 'b', 'c'],
    );
    assert.deepEqual(first.position, { time: '2026-01-01T10:00:07.200000000Z', linesInSecond: 3 });
    // The resumed stream starts at 10:00:07 and repeats a, b and c before the new d.
    const again = new TimestampedLog(first.position);
    assert.deepEqual(
      take(again, [
        '2026-01-01T10:00:07.1Z a',
        '2026-01-01T10:00:07.2Z b',
        '2026-01-01T10:00:07.2Z c',
        '2026-01-01T10:00:07.2Z d',
        '2026-01-01T10:00:08Z e',
      ]),
      ['d', 'e'],
    );
  });

  it('delivers a line stamped earlier than the one before it (stdout and stderr cross), and never again after a resume', () => {
    const log = new TimestampedLog();
    assert.deepEqual(take(log, ['2026-01-01T10:00:07.5Z out', '2026-01-01T10:00:07.4Z err']), ['out', 'err']);
    const again = new TimestampedLog(log.position);
    assert.deepEqual(
      take(again, [
        '2026-01-01T10:00:07.5Z out',
        '2026-01-01T10:00:07.4Z err',
        '2026-01-01T10:00:07.45Z late',
      ]),
      ['late'],
    );
  });

  it('reopen() starts dropping again, from where the stream got to', () => {
    const log = new TimestampedLog();
    take(log, ['2026-01-01T10:00:07.1Z a']);
    log.reopen();
    assert.deepEqual(take(log, ['2026-01-01T10:00:07.1Z a', '2026-01-01T10:00:07.3Z b']), ['b']);
  });

  it('a stored bare time (older Docker cursors) means every line up to it was sent', () => {
    const stored = decodeLogCursor('2026-11-28T21:40:07.100000000Z');
    assert.equal(stored?.stream, undefined);
    const log = new TimestampedLog(stored?.position);
    assert.deepEqual(
      take(log, ['2026-11-28T21:40:07.1Z a', '2026-11-28T21:40:07.1Z b', '2026-11-28T21:40:07.2Z c']),
      ['c'],
    );
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
          let position: LogPosition | undefined;
          let at = 0;
          for (const cut of [...cuts.map((c) => Math.min(c, log.length)).sort((a, b) => a - b), log.length]) {
            if (cut < at) continue;
            // Resume, as after a restart: the server sends everything from the position's whole second, up to the cut.
            const since = position ? Number(resumeSecond(position).slice(17, 19)) : 0;
            const reader = new TimestampedLog(position);
            const sent = log
              .slice(0, cut)
              .filter((l) => l.second >= since)
              .map((l) => l.line);
            delivered.push(...take(reader, sent));
            position = reader.position;
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

describe('TimestampedLog with stamps out of order within a second', () => {
  it('delivers every line exactly once however the stream is cut and resumed (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ nextSecond: fc.boolean(), nanos: fc.integer({ min: 0, max: 4 }) }), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 5 }),
        (steps, cuts) => {
          // Seconds never go back; within a second, stamps come in any order (stdout and stderr crossing).
          let second = 0;
          const log = steps.map((step, i) => {
            if (step.nextSecond) second++;
            const stamp = `2026-01-01T10:00:${String(second).padStart(2, '0')}.00000000${step.nanos}Z`;
            return { line: `${stamp} line ${i}`, second };
          });
          const delivered: string[] = [];
          let position: LogPosition | undefined;
          let at = 0;
          for (const cut of [...cuts.map((c) => Math.min(c, log.length)).sort((a, b) => a - b), log.length]) {
            if (cut < at) continue;
            const since = position ? Number(resumeSecond(position).slice(17, 19)) : 0;
            const reader = new TimestampedLog(position);
            const sent = log
              .slice(0, cut)
              .filter((l) => l.second >= since)
              .map((l) => l.line);
            delivered.push(...take(reader, sent));
            position = reader.position;
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

describe('stored log cursors', () => {
  it('keep the stream with the position, and ignore text no runtime wrote', () => {
    const position = { time: '2026-01-01T10:00:07.200000000Z', linesInSecond: 2 };
    const text = encodeLogCursor('train-4-abcde-x7k2p', position);
    assert.equal(text, 'train-4-abcde-x7k2p 2026-01-01T10:00:07.200000000Z n=2');
    assert.deepEqual(decodeLogCursor(text), { stream: 'train-4-abcde-x7k2p', position });
    assert.equal(decodeLogCursor(undefined), undefined);
    assert.equal(decodeLogCursor('2026-01-01T10:00:07.2Z'), undefined, 'not in the padded form');
    assert.equal(decodeLogCursor('pod 2026-01-01T10:00:07.200000000Z'), undefined);
    assert.equal(decodeLogCursor('anything else'), undefined);
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  demuxAll,
  FrameDemuxer,
  parseLogCursor,
  secondOf,
  splitTimestamp,
} from '../../../../src/adapters/runtimes/docker/log-frames.ts';

function frame(type: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

test('frames split across chunks anywhere come out whole and on the right stream', () => {
  const frames = [frame(1, 'epoch 1/3\n'), frame(2, 'warning\n'), frame(1, 'epoch 2/3\n')];
  const whole = Buffer.concat(frames);
  fc.assert(
    fc.property(fc.uniqueArray(fc.integer({ min: 1, max: whole.length - 1 }), { maxLength: 6 }), (cuts) => {
      const out: string[] = [];
      const demuxer = new FrameDemuxer((stream, payload) => out.push(`${stream}:${payload.toString()}`));
      let last = 0;
      for (const cut of [...cuts].sort((a, b) => a - b)) {
        demuxer.push(whole.subarray(last, cut));
        last = cut;
      }
      demuxer.push(whole.subarray(last));
      assert.deepEqual(out, ['stdout:epoch 1/3\n', 'stderr:warning\n', 'stdout:epoch 2/3\n']);
    }),
  );
});

test('demuxAll joins the payloads of a complete reply', () => {
  assert.equal(demuxAll(Buffer.concat([frame(1, 'a\n'), frame(2, 'b\n')])), 'a\nb\n');
});

test('timestamps are split off and sort in time order despite trimmed zeros', () => {
  const a = splitTimestamp('2026-11-28T21:40:00.1Z loss=0.5');
  const b = splitTimestamp('2026-11-28T21:40:00.099999999Z loss=0.4');
  assert.equal(a.text, 'loss=0.5');
  assert.equal(a.key, '2026-11-28T21:40:00.100000000Z');
  assert.ok((b.key ?? '') < (a.key ?? ''));
  assert.deepEqual(splitTimestamp('no stamp here'), { text: 'no stamp here' });
});

test('a stored log cursor is used only if it is a key, and resumes at its whole second', () => {
  const key = '2026-11-28T21:40:07.100000000Z';
  assert.equal(parseLogCursor(key), key);
  assert.equal(parseLogCursor(undefined), undefined);
  assert.equal(parseLogCursor('pod-1 2026-11-28T21:40:07.100000000Z 1'), undefined);
  assert.equal(secondOf(key), Date.UTC(2026, 10, 28, 21, 40, 7) / 1000);
});

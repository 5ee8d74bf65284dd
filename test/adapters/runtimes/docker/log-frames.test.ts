import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { resumePosition } from '../../../../src/adapters/runtimes/docker/ContainerLogs.ts';
import { demuxAll, FrameDemuxer } from '../../../../src/adapters/runtimes/docker/log-frames.ts';

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

// Timestamps, positions and their resuming second: test/shared/log-cursor.test.ts.

test("a stored log cursor is used only if it is this container's (or an older bare time)", () => {
  const id = '0123456789abcdef0123';
  const position = { time: '2026-11-28T21:40:07.100000000Z', linesInSecond: 2 };
  assert.deepEqual(resumePosition(`0123456789ab ${position.time} n=2`, id), position);
  assert.deepEqual(resumePosition(position.time, id), {
    time: position.time,
    linesInSecond: Number.MAX_SAFE_INTEGER,
  });
  assert.equal(resumePosition(undefined, id), undefined);
  assert.equal(resumePosition(`pod-1 ${position.time} n=1`, id), undefined, "another stream's cursor");
  assert.equal(resumePosition('not a cursor', id), undefined);
});

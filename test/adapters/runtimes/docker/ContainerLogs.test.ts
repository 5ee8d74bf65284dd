import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import type Docker from 'dockerode';
import { ContainerLogs } from '../../../../src/adapters/runtimes/docker/ContainerLogs.ts';
import { silentLogger } from '../../../../src/shared/log.ts';

/** A multiplexed log frame, as the engine sends it for a container without a TTY. */
function frame(type: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** Just enough of an engine for one container's log: each follow gets the next scripted reply. */
function engineWithLogs(replies: ((stream: PassThrough) => void)[], running: boolean[]) {
  const follows: { since?: number }[] = [];
  const docker = {
    getContainer: () => ({
      logs: async (options: { since?: number }) => {
        follows.push(options);
        const stream = new PassThrough();
        const reply = replies.shift();
        setImmediate(() => reply?.(stream));
        return stream;
      },
      inspect: async () => ({ State: { Running: running.shift() ?? false, Status: 'running' } }),
    }),
  } as unknown as Docker;
  return { docker, follows };
}

test('a log stream that breaks while the container runs is resumed from its second, without repeats', async () => {
  const { docker, follows } = engineWithLogs(
    [
      (s) => {
        s.write(frame(1, '2026-01-01T10:00:07.1Z epoch 1\n'));
        s.write(frame(2, '2026-01-01T10:00:07.2Z warn 10%\rwarn 100%\n'));
        // Half a line, then the connection breaks: the half is not delivered.
        s.write(frame(1, '2026-01-01T10:00:07.3Z epo'));
        s.destroy(new Error('connection reset'));
      },
      (s) => {
        // Resumed from 10:00:07: the engine sends that whole second again.
        s.write(frame(1, '2026-01-01T10:00:07.1Z epoch 1\n'));
        s.write(frame(2, '2026-01-01T10:00:07.2Z warn 10%\rwarn 100%\n'));
        s.write(frame(1, '2026-01-01T10:00:07.3Z epoch 2\n'));
        s.end();
      },
    ],
    [true, false],
  );
  const delivered: { lines: string[]; cursor?: string }[] = [];
  const logs = new ContainerLogs({
    docker,
    containerId: '0123456789abcdef',
    log: silentLogger,
    backoff: { baseMs: 1, maxMs: 2 },
    onLines: (lines, cursor) => delivered.push({ lines, cursor }),
  });
  await logs.done;
  assert.deepEqual(
    delivered.flatMap((d) => d.lines),
    ['epoch 1', 'warn 10%', 'warn 100%', 'epoch 2'],
  );
  assert.equal(follows.length, 2);
  assert.equal(follows[0].since, 0);
  assert.equal(follows[1].since, Date.UTC(2026, 0, 1, 10, 0, 7) / 1000);
  assert.equal(delivered.at(-1)?.cursor, '0123456789ab 2026-01-01T10:00:07.300000000Z n=3');
  assert.ok(
    delivered.every((d) => d.cursor?.startsWith('0123456789ab ')),
    'every delivery carries a cursor',
  );
});

test('after a restart the log goes on after the stored position', async () => {
  const { docker } = engineWithLogs(
    [
      (s) => {
        s.write(frame(1, '2026-01-01T10:00:07.1Z a\n2026-01-01T10:00:07.1Z b\n'));
        s.write(frame(1, '2026-01-01T10:00:08Z c\n'));
        s.end();
      },
    ],
    [false],
  );
  const lines: string[] = [];
  const logs = new ContainerLogs({
    docker,
    containerId: '0123456789abcdef',
    log: silentLogger,
    from: { time: '2026-01-01T10:00:07.100000000Z', linesInSecond: 1 },
    onLines: (batch) => lines.push(...batch),
  });
  await logs.done;
  assert.deepEqual(lines, ['b', 'c']);
});

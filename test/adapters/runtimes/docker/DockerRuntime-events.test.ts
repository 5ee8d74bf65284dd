import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import type Docker from 'dockerode';
import { DockerRuntime } from '../../../../src/adapters/runtimes/docker/DockerRuntime.ts';
import { silentLogger } from '../../../../src/shared/log.ts';
import { eventually } from '../../../support/eventually.ts';
import { RecordingSink } from '../../../support/recording-sink.ts';

/** Just enough of an engine for the event stream: each getEvents call gets a fresh stream. */
function engineWithEvents() {
  const calls: { since?: number; filters?: unknown }[] = [];
  const streams: PassThrough[] = [];
  const docker = {
    ping: async () => 'OK',
    getEvents: async (options: { since?: number; filters?: unknown }) => {
      calls.push(options);
      const stream = new PassThrough();
      streams.push(stream);
      return stream;
    },
  } as unknown as Docker;
  return { docker, calls, streams };
}

test('one label-selected event stream, reopened with since= after it drops', async () => {
  const { docker, calls, streams } = engineWithEvents();
  const runtime = new DockerRuntime({ docker, log: silentLogger });
  await runtime.start(new RecordingSink());
  try {
    assert.equal(runtime.ready(), true);
    assert.deepEqual(calls[0], {
      filters: {
        type: ['container'],
        label: ['app.kubernetes.io/managed-by=trainyard'],
        event: ['start', 'die'],
      },
    });
    // An event split across chunks, for a container this runtime does not follow: ignored.
    streams[0].write('{"Action":"start","id":"abc","ti');
    streams[0].write('me":1764360000}\n');
    streams[0].end();
    await eventually('the runtime to see the stream drop', () => !runtime.ready());
    await eventually('the stream to be reopened', () => calls.length === 2 && runtime.ready());
    assert.equal(calls[1].since, 1764360000, 'replays what happened while disconnected');
  } finally {
    await runtime.close();
  }
  assert.equal(runtime.ready(), false);
});

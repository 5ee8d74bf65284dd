import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containerEnd } from '../../../../src/adapters/runtimes/docker/container-end.ts';

const at = new Date('2026-01-01T00:00:00Z');

test('exit 0 succeeds and any other code fails with it', () => {
  assert.deepEqual(containerEnd({ exitCode: 0, oomKilled: false, finishedAt: at }, undefined), {
    state: 'succeeded',
    exitCode: 0,
    at,
  });
  assert.deepEqual(containerEnd({ exitCode: 3, oomKilled: false }, undefined), {
    state: 'failed',
    exitCode: 3,
    reason: 'The container exited with code 3.',
  });
});

test('137 with OOMKilled is out of memory, 137 without it is a plain exit code', () => {
  assert.match(containerEnd({ exitCode: 137, oomKilled: true }, undefined).reason ?? '', /ran out of memory/);
  assert.equal(
    containerEnd({ exitCode: 137, oomKilled: false }, undefined).reason,
    'The container exited with code 137.',
  );
});

test('a stop or a deadline decides the end whatever the exit code', () => {
  assert.equal(containerEnd({ exitCode: 137, oomKilled: false }, { kind: 'stop' }).state, 'stopped');
  assert.deepEqual(containerEnd({ exitCode: 143, oomKilled: false }, { kind: 'deadline', seconds: 60 }), {
    state: 'failed',
    exitCode: 143,
    reason: 'It ran past its deadline of 60 s (DeadlineExceeded).',
  });
});

test('an engine error at start is named', () => {
  const end = containerEnd(
    { exitCode: 127, oomKilled: false, error: 'exec: "train": executable file not found' },
    undefined,
  );
  assert.equal(end.reason, 'The container could not start: exec: "train": executable file not found.');
});

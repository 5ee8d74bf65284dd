import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BuildStreamReader } from '../../../src/adapters/docker/build-stream.ts';

test('classic builder lines carry the step they belong to', () => {
  const reader = new BuildStreamReader();
  assert.deepEqual(reader.read({ stream: 'Step 3/8 : RUN pip install -r requirements.txt\n' }), [
    { step: 3, totalSteps: 8, line: 'Step 3/8 : RUN pip install -r requirements.txt' },
  ]);
  assert.deepEqual(reader.read({ stream: ' ---> Running in abc\nCollecting torch\n' }), [
    { step: 3, totalSteps: 8, line: ' ---> Running in abc' },
    { step: 3, totalSteps: 8, line: 'Collecting torch' },
  ]);
  assert.equal(reader.error, undefined);
});

test('an errorDetail in a 200 reply is the failure, and the last lines are kept', () => {
  const reader = new BuildStreamReader();
  for (let i = 0; i < 30; i++) reader.read({ stream: `line ${i}\n` });
  reader.read({
    errorDetail: { code: 7, message: "The command '/bin/sh -c exit 7' returned a non-zero code: 7" },
    error: "The command '/bin/sh -c exit 7' returned a non-zero code: 7",
  });
  reader.read({ error: 'a later error' });
  assert.equal(reader.error, "The command '/bin/sh -c exit 7' returned a non-zero code: 7");
  const last = reader.lastLines();
  assert.equal(last.length, 20);
  assert.equal(last.at(-2), "The command '/bin/sh -c exit 7' returned a non-zero code: 7");
  assert.ok(last.includes('line 29'));
  assert.ok(!last.includes('line 0'));
});

test('push status lines are reported, byte-progress ticks are not', () => {
  const reader = new BuildStreamReader();
  assert.deepEqual(reader.read({ status: 'Pushing', id: 'abc', progress: '[==>  ] 1MB/2MB' }), []);
  assert.deepEqual(reader.read({ status: 'Pushed', id: 'abc' }), [{ line: 'abc: Pushed' }]);
  assert.deepEqual(reader.read({ aux: { Tag: 'x' } }), []);
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Harness, makeRun, podName, startHarness } from './harness.ts';

const COMMIT = 'fedcba9876543210fedcba9876543210fedcba98';

describe('Kubernetes runtime: code from git in an init container', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('reads the commit from the init container’s log once the clone ends, before the job’s container runs', async () => {
    const run = makeRun();
    run.spec.code = { git: 'https://git.example.com/team/repo.git', ref: 'main' };
    await h.runtime.submit(run);
    const pod = await podName(h, run.id);
    h.fake.startInit(pod, 'code');
    await h.sink.until(
      'the clone to be reported',
      () => h.sink.last(run.id)?.reason === 'Cloning its code from git.',
    );
    h.fake.finishInit(pod, 'code', 0, ['Cloning…', `trainyard-commit ${COMMIT}`]);
    await h.sink.until('the commit', () => h.sink.commits.get(run.id) === COMMIT);
    assert.notEqual(h.sink.last(run.id)?.state, 'running');
    assert.equal(h.fake.count('GET', `/pods/${pod}/log`), 1, 'the init log is read once');
    h.fake.startContainer(pod);
    h.fake.terminate(pod, 0);
    await h.sink.ended(run.id);
    assert.equal(h.sink.last(run.id)?.state, 'succeeded');
  });

  it('fails the run with git’s last words when the clone fails, credentials removed', async () => {
    const run = makeRun();
    run.spec.code = { git: 'https://bot:hunter2@git.example.com/team/repo.git', ref: 'nope' };
    await h.runtime.submit(run);
    const pod = await podName(h, run.id);
    h.fake.finishInit(pod, 'code', 128, [
      "Cloning into '/code'...",
      "fatal: could not read from 'https://bot:hunter2@git.example.com/team/repo.git'",
    ]);
    await h.sink.ended(run.id);
    const end = h.sink.last(run.id);
    assert.equal(end?.state, 'failed');
    assert.equal(
      end?.reason,
      "It failed its only attempt; cloning its code from git failed (exit code 128): fatal: could not read from 'https://***@git.example.com/team/repo.git'.",
    );
    assert.equal(h.sink.commits.has(run.id), false);
  });
});

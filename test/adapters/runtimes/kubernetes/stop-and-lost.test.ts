import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type Harness, makeRun, podName, startHarness } from './harness.ts';

describe('KubernetesRuntime stop and lost runs', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('stops a run by deleting its Job in the background; the run ends stopped, not failed', async () => {
    const run = makeRun();
    const placement = await h.runtime.submit(run);
    const pod = await podName(h, run.id);
    h.fake.startContainer(pod);
    await h.sink.untilState(run.id, 'running');
    await h.runtime.stop({ ...run, placement });
    await h.sink.untilState(run.id, 'stopped');
    const del = h.fake.requests.find((r) => r.method === 'DELETE');
    assert.equal(del?.query.get('propagationPolicy'), 'Background');
    assert.equal(h.fake.jobOf(run.id), undefined);
    assert.equal(h.fake.podOf(run.id), undefined, 'the pods are deleted with the Job');
    assert.deepEqual(h.sink.statesOf(run.id), ['pending', 'running', 'stopped']);
    assert.equal(h.sink.last(run.id)?.reason, 'Stopped on request.');
  });

  it('treats stopping a run whose Job is already gone as done', async () => {
    const run = makeRun();
    const placement = await h.runtime.submit(run);
    await h.sink.untilState(run.id, 'pending');
    h.fake.fault({ method: 'DELETE', status: 404, times: 1 });
    await h.runtime.stop({ ...run, placement });
    await h.sink.untilState(run.id, 'stopped');
  });

  it('reports a run as lost when someone else deletes its Job', async () => {
    const run = makeRun();
    const { handle } = await h.runtime.submit(run);
    const pod = await podName(h, run.id);
    h.fake.startContainer(pod);
    await h.sink.untilState(run.id, 'running');
    h.fake.deleteJobExternally(handle);
    await h.sink.untilState(run.id, 'lost');
    assert.match(h.sink.last(run.id)?.reason ?? '', /deleted outside Trainyard/);
  });

  it('reports nothing more once a run has ended, even when its Job is deleted later (TTL)', async () => {
    const run = makeRun();
    const { handle } = await h.runtime.submit(run);
    const pod = await podName(h, run.id);
    h.fake.startContainer(pod);
    h.fake.terminate(pod, 0);
    await h.sink.untilState(run.id, 'succeeded');
    const count = h.sink.updates.length;
    h.fake.deleteJobExternally(handle);
    await h.sink.until('the runtime to forget the run', () => h.runtime.trackedRuns === 0);
    assert.equal(h.sink.updates.length, count);
  });
});

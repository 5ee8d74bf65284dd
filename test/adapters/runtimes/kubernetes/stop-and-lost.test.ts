import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { renderJobManifest } from '../../../../src/adapters/runtimes/kubernetes/job-manifest.ts';
import { apiFor, type Harness, makeRun, NAMESPACE, podName, startHarness } from './harness.ts';

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
    assert.equal(del?.path, '/apis/batch/v1/namespaces/ml/jobs', 'one delete for the whole collection');
    assert.equal(
      del?.query.get('labelSelector'),
      `app.kubernetes.io/managed-by=trainyard,trainyard.io/run=${run.id}`,
    );
    assert.equal(h.fake.jobOf(run.id), undefined);
    assert.equal(h.fake.podOf(run.id), undefined, 'the pods are deleted with the Job');
    assert.deepEqual(h.sink.statesOf(run.id), ['pending', 'running', 'stopped']);
    assert.equal(h.sink.last(run.id)?.reason, 'Stopped on request.');
  });

  it('deletes every Job labelled with the run, a twin made behind its back included', async () => {
    const run = makeRun();
    const placement = await h.runtime.submit(run);
    const pod = await podName(h, run.id);
    h.fake.startContainer(pod);
    await h.sink.untilState(run.id, 'running');
    // A second Job of the same run under another name (as an older version could create).
    const twin = renderJobManifest(run, { namespace: NAMESPACE, suffix: 'twin0' });
    const other = makeRun();
    const bystander = await h.runtime.submit(other);
    const api = apiFor(h.kubeconfig);
    await api.createJob(NAMESPACE, twin);
    assert.equal(h.fake.jobs().length, 3);
    await h.runtime.stop({ ...run, placement });
    await h.sink.untilState(run.id, 'stopped');
    assert.deepEqual(
      h.fake.jobs().map((j) => j.metadata.name),
      [bystander.handle],
      'both Jobs of the run are gone; the other run is untouched',
    );
    assert.equal(h.fake.count('DELETE'), 1);
    assert.equal(h.fake.pods().filter((p) => p.metadata.labels['trainyard.io/run'] === run.id).length, 0);
    assert.equal(h.sink.last(other.id)?.state, 'pending');
  });

  it('stops a run the cluster never had without complaint', async () => {
    const run = makeRun();
    await h.runtime.stop(run);
    await h.sink.untilState(run.id, 'stopped');
    assert.equal(h.fake.count('DELETE'), 1);
  });

  it('treats stopping a run whose Job is already gone as done', async () => {
    const run = makeRun();
    const placement = await h.runtime.submit(run);
    await h.sink.untilState(run.id, 'pending');
    h.fake.fault({ method: 'DELETE', status: 404, times: 1 });
    await h.runtime.stop({ ...run, placement });
    await h.sink.untilState(run.id, 'stopped');
  });

  it('says a stop refused for lack of permission needs the Role widened, not another try', async () => {
    const run = makeRun();
    const placement = await h.runtime.submit(run);
    await h.sink.untilState(run.id, 'pending');
    h.fake.fault({ method: 'DELETE', status: 403, times: 1 });
    await assert.rejects(h.runtime.stop({ ...run, placement }), {
      message:
        'The cluster refused to stop the Job because Trainyard\'s service account may not delete Jobs in namespace ml; the platform team must grant it deletecollection on jobs there (the Role in deploy/role.yaml, described under "Deploy the bot to a cluster" in the README).',
    });
    assert.equal(h.fake.count('DELETE'), 1, 'a refusal is not retried');
  });

  it('still says to try again later when a stop meets a failing cluster', async () => {
    await h.close();
    h = await startHarness({ attempts: 2 });
    const run = makeRun();
    const placement = await h.runtime.submit(run);
    await h.sink.untilState(run.id, 'pending');
    h.fake.fault({ method: 'DELETE', status: 503 });
    await assert.rejects(h.runtime.stop({ ...run, placement }), {
      message:
        /^Could not stop the Job on the cluster at http:\/\/127\.0\.0\.1:\d+ \(injected fault 503\); try again later\.$/,
    });
  });

  it('after a stop the cluster refused, a Job deleted by someone else is a lost run, not one stopped on request', async () => {
    const run = makeRun();
    const placement = await h.runtime.submit(run);
    const pod = await podName(h, run.id);
    h.fake.startContainer(pod);
    await h.sink.untilState(run.id, 'running');
    h.fake.fault({ method: 'DELETE', status: 403, times: 1 });
    await assert.rejects(h.runtime.stop({ ...run, placement }), /stop the Job/);
    assert.ok(h.fake.jobOf(run.id), 'the Job is still there');
    h.fake.deleteJobExternally(placement.handle);
    await h.sink.untilState(run.id, 'lost');
    assert.match(h.sink.last(run.id)?.reason ?? '', /deleted outside Trainyard/);
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

  it('says nothing about Jobs it was not told about, and forgets them when they go', async () => {
    const stranger = makeRun();
    await apiFor(h.kubeconfig).createJob(NAMESPACE, renderJobManifest(stranger, { namespace: NAMESPACE }));
    const pod = await podName(h, stranger.id);
    h.fake.startContainer(pod);
    await h.sink.until('the runtime to see it', () => h.runtime.trackedRuns === 1);
    h.fake.deleteJobExternally(h.fake.jobOf(stranger.id)!.metadata.name);
    await h.sink.until('the runtime to forget it', () => h.runtime.trackedRuns === 0);
    assert.deepEqual(h.sink.statesOf(stranger.id), [], 'not a run of this bot: nothing reported');
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

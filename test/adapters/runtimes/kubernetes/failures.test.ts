import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { renderJobManifest } from '../../../../src/adapters/runtimes/kubernetes/job-manifest.ts';
import { apiFor, type Harness, makeRun, NAMESPACE, podName, startHarness } from './harness.ts';

describe('KubernetesRuntime failure reasons', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('passes on the scheduler\'s "Insufficient nvidia.com/gpu" while pending', async () => {
    h = await startHarness();
    const run = makeRun();
    await h.runtime.submit(run);
    const pod = await podName(h, run.id);
    h.fake.unschedulable(pod, '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.');
    await h.sink.until('the unschedulable reason', () =>
      /Insufficient nvidia\.com\/gpu/.test(h.sink.last(run.id)?.reason ?? ''),
    );
    assert.equal(h.sink.last(run.id)?.state, 'pending');
  });

  it('fails a run whose image cannot be pulled after the grace, names the image, and deletes its Job', async () => {
    h = await startHarness({ stuckGraceMs: 150 });
    const run = makeRun({ image: 'ghcr.io/acme/missing:9' });
    await h.runtime.submit(run);
    const pod = await podName(h, run.id);
    h.fake.waiting(pod, 'ImagePullBackOff', 'Back-off pulling image "ghcr.io/acme/missing:9"');
    await h.sink.until('a pull problem', () =>
      /cannot pull the image "ghcr\.io\/acme\/missing:9"/.test(h.sink.last(run.id)?.reason ?? ''),
    );
    assert.equal(h.sink.last(run.id)?.state, 'pending');
    await h.sink.untilState(run.id, 'failed');
    assert.match(
      h.sink.last(run.id)?.reason ?? '',
      /ghcr\.io\/acme\/missing:9.*check the image name and tag/,
    );
    await h.sink.until('the Job to be deleted', () => h.fake.jobOf(run.id) === undefined);
    assert.equal(h.fake.count('DELETE'), 1);
    assert.deepEqual(h.sink.statesOf(run.id), ['pending', 'failed']);
  });

  it("fails with the exit code and the container's last message", async () => {
    h = await startHarness();
    const run = makeRun();
    await h.runtime.submit(run);
    const pod = await podName(h, run.id);
    h.fake.startContainer(pod);
    await h.sink.untilState(run.id, 'running');
    h.fake.log(pod, ['Traceback (most recent call last):', 'ValueError: bad lr']);
    h.fake.terminate(pod, 2, 'Error', 'ValueError: bad lr');
    await h.sink.untilState(run.id, 'failed');
    const last = h.sink.last(run.id);
    assert.equal(last?.exitCode, 2);
    assert.match(last?.reason ?? '', /exited with code 2: ValueError: bad lr/);
    assert.deepEqual(h.sink.linesOf(run.id), ['Traceback (most recent call last):', 'ValueError: bad lr']);
  });

  it('says OOMKilled with the memory limit', async () => {
    h = await startHarness();
    const run = makeRun({ memory: '2Gi' });
    await h.runtime.submit(run);
    const pod = await podName(h, run.id);
    h.fake.startContainer(pod);
    h.fake.terminate(pod, 137, 'OOMKilled');
    await h.sink.untilState(run.id, 'failed');
    assert.match(
      h.sink.last(run.id)?.reason ?? '',
      /OOMKilled, exit code 137\); raise its memory limit of 2Gi/,
    );
  });

  it('says a deadline was exceeded', async () => {
    h = await startHarness();
    const run = makeRun();
    run.spec.job.activeDeadlineSeconds = 60;
    const { handle } = await h.runtime.submit(run);
    const pod = await podName(h, run.id);
    h.fake.startContainer(pod);
    await h.sink.untilState(run.id, 'running');
    h.fake.deadlineExceeded(handle);
    await h.sink.untilState(run.id, 'failed');
    assert.match(h.sink.last(run.id)?.reason ?? '', /deadline of 60 s/);
  });

  it('retries as the Job says and fails when the retries are used up', async () => {
    h = await startHarness();
    const run = makeRun();
    run.spec.job.backoffLimit = 1;
    await h.runtime.submit(run);
    const first = await podName(h, run.id);
    h.fake.startContainer(first);
    await h.sink.untilState(run.id, 'running');
    h.fake.log(first, ['try 1']);
    h.fake.terminate(first, 1);
    await h.sink.until('a second pod', () => h.fake.podOf(run.id)?.metadata.name !== first);
    const second = h.fake.podOf(run.id)!.metadata.name;
    h.fake.startContainer(second);
    h.fake.log(second, ['try 2']);
    h.fake.terminate(second, 1);
    await h.sink.untilState(run.id, 'failed');
    assert.match(h.sink.last(run.id)?.reason ?? '', /It failed all 2 attempts/);
    assert.deepEqual(h.sink.linesOf(run.id), ['try 1', 'try 2']);
  });

  it("rejects a Job the API finds invalid (422) with the API's own message", async () => {
    h = await startHarness();
    const run = makeRun({ memory: '4 GB' });
    await assert.rejects(h.runtime.submit(run), (err: Error) => {
      assert.match(
        err.message,
        /^Job\.batch "train-\d+-[a-z0-9]{5}" is invalid: .*resources\.(limits|requests)\[memory\]: Invalid value: "4 GB"/,
      );
      return true;
    });
    assert.equal(h.fake.count('POST'), 1);
    assert.equal(h.runtime.trackedRuns, 0);
  });

  it('creates the Job again when the name was taken (409) by a Job that has gone since', async () => {
    h = await startHarness();
    const run = makeRun();
    h.fake.fault({ method: 'POST', status: 409, times: 1 });
    const { handle } = await h.runtime.submit(run);
    assert.equal(h.fake.count('POST'), 2);
    const names = h.fake.requests.filter((r) => r.method === 'POST');
    assert.equal(names.length, 2);
    assert.equal(h.fake.jobOf(run.id)?.metadata.name, handle);
  });

  it('takes a second create of the same run (409 with its own label) as done: one Job, same placement', async () => {
    h = await startHarness();
    const run = makeRun();
    const first = await h.runtime.submit(run);
    // However the second submit comes about (a resume pass, a retried command), it creates no twin.
    const again = await h.runtime.submit(run);
    assert.deepEqual(again, first);
    assert.equal(h.fake.jobs().length, 1);
    assert.deepEqual(
      h.fake.requests.filter((r) => r.method === 'POST').map((r) => r.status),
      [201, 409],
    );
    const pod = await podName(h, run.id);
    h.fake.startContainer(pod);
    h.fake.terminate(pod, 0);
    await h.sink.untilState(run.id, 'succeeded');
    assert.deepEqual(h.sink.statesOf(run.id), ['pending', 'running', 'succeeded']);
  });

  it('refuses to take over a Job of the same name that belongs to another run, and leaves it alone', async () => {
    h = await startHarness();
    const run = makeRun();
    // A Job with this run's name but another run's label (say, a run number reused after a lost store).
    const squatter = renderJobManifest({ ...run, id: 'r-someoneels' }, { namespace: NAMESPACE });
    squatter.metadata!.name = renderJobManifest(run, { namespace: NAMESPACE }).metadata?.name;
    const api = apiFor(h.kubeconfig);
    await api.createJob(NAMESPACE, squatter);
    await assert.rejects(h.runtime.submit(run), (err: Error) => {
      assert.equal(
        err.message,
        `A Job named ${squatter.metadata?.name} already exists and belongs to run r-someoneels, so this run was not started; launch it again (a new launch gets a new name).`,
      );
      return true;
    });
    assert.equal(h.fake.jobs().length, 1);
    assert.equal(h.fake.jobs()[0].metadata.labels['trainyard.io/run'], 'r-someoneels');
    assert.equal(h.fake.count('DELETE'), 0);
    assert.equal(h.runtime.trackedRuns, 1, 'only the other run is tracked');
  });

  it('creates nothing for a run without an image and keeps no state for it', async () => {
    h = await startHarness();
    const run = makeRun();
    run.spec.image = undefined;
    await assert.rejects(h.runtime.submit(run), { message: /has no image yet/ });
    assert.equal(h.fake.count('POST'), 0);
    assert.equal(h.runtime.trackedRuns, 0);
  });
});

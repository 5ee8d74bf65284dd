import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type Harness, makeRun, NAMESPACE, podName, startHarness } from './harness.ts';

describe('KubernetesRuntime lifecycle', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('creates a labelled Job and follows it from pending to succeeded with its logs', async () => {
    const run = makeRun();
    const placement = await h.runtime.submit(run);
    assert.equal(placement.namespace, NAMESPACE);
    assert.match(placement.handle, /^train-\d+-[a-z0-9]{5}$/);
    assert.equal(placement.handle, `train-${run.number}-${run.id.slice(-5)}`, 'named after the run id');
    const job = h.fake.jobOf(run.id);
    assert.equal(job?.metadata.name, placement.handle);
    assert.equal(job?.metadata.labels['app.kubernetes.io/managed-by'], 'trainyard');

    await h.sink.untilState(run.id, 'pending');
    const pod = await podName(h, run.id);
    h.fake.startContainer(pod);
    await h.sink.untilState(run.id, 'running');
    h.fake.log(pod, ['epoch 1/3 loss=0.9', 'epoch 2/3 loss=0.5']);
    await h.sink.until('two log lines', () => h.sink.linesOf(run.id).length === 2);
    h.fake.log(pod, ['epoch 3/3 loss=0.2']);
    h.fake.terminate(pod, 0);
    await h.sink.untilState(run.id, 'succeeded');

    assert.deepEqual(h.sink.linesOf(run.id), [
      'epoch 1/3 loss=0.9',
      'epoch 2/3 loss=0.5',
      'epoch 3/3 loss=0.2',
    ]);
    assert.deepEqual(h.sink.statesOf(run.id), ['pending', 'running', 'succeeded']);
    assert.equal(h.sink.last(run.id)?.exitCode, 0);
    assert.deepEqual(await h.runtime.tail(run, 2), ['epoch 2/3 loss=0.5', 'epoch 3/3 loss=0.2']);
  });

  it('counts its Kubernetes requests by verb, resource and code for /metrics', async () => {
    const run = makeRun();
    await h.runtime.submit(run);
    await h.sink.untilState(run.id, 'pending');
    await h.runtime.stop({ ...run, placement: { handle: h.fake.jobOf(run.id)!.metadata.name } });
    await h.sink.untilState(run.id, 'stopped');
    const metrics = await h.metrics.render();
    assert.match(
      metrics,
      /trainyard_kubernetes_requests_total\{code="201",resource="jobs",verb="create"\} 1/,
    );
    assert.match(
      metrics,
      /trainyard_kubernetes_requests_total\{code="200",resource="jobs",verb="deletecollection"\} 1/,
    );
    assert.match(metrics, /trainyard_kubernetes_requests_total\{code="200",resource="pods",verb="list"\} 1/);
    assert.match(metrics, /trainyard_kubernetes_requests_total\{code="200",resource="jobs",verb="watch"\} 1/);
  });
});

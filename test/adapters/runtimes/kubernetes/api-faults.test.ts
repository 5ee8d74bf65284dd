import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { capturingLogger } from '../../../support/capturing-logger.ts';
import { type Harness, makeRun, podName, RecordingSink, runtimeFor, startHarness } from './harness.ts';

describe('KubernetesRuntime under API faults', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('retries a create that meets 5xx errors and creates the Job once', async () => {
    h = await startHarness();
    h.fake.fault({ method: 'POST', status: 503, times: 2 });
    const run = makeRun();
    await h.runtime.submit(run);
    assert.equal(h.fake.count('POST'), 3);
    assert.equal(h.fake.jobs().length, 1);
    await h.sink.untilState(run.id, 'pending');
  });

  it('gives up a create after its tries with one plain sentence', async () => {
    h = await startHarness({ attempts: 2 });
    h.fake.fault({ method: 'POST', status: 500 });
    await assert.rejects(h.runtime.submit(makeRun()), {
      message:
        /^Could not create the Job on the cluster at http:\/\/127\.0\.0\.1:\d+ \(injected fault 500\); try again later\.$/,
    });
  });

  it('waits out slow replies', async () => {
    h = await startHarness();
    h.fake.fault({ method: 'POST', delayMs: 300, times: 1 });
    const run = makeRun();
    await h.runtime.submit(run);
    await h.sink.untilState(run.id, 'pending');
  });

  it('re-lists after dropped watches and catches what happened meanwhile', async () => {
    h = await startHarness();
    const run = makeRun();
    const { handle } = await h.runtime.submit(run);
    const pod = await podName(h, run.id);
    await h.sink.untilState(run.id, 'pending');
    const lists = h.fake.count('GET', '/jobs', false);
    // The watches break and cannot come back for a while; meanwhile the run starts and its Job is deleted.
    h.fake.fault({ watch: true, status: 500, times: 4 });
    h.fake.dropWatches();
    h.fake.startContainer(pod);
    h.fake.deleteJobExternally(handle);
    await h.sink.untilState(run.id, 'lost');
    assert.ok(h.fake.count('GET', '/jobs', false) > lists, 'the Jobs were listed again');
    const restarts = await h.metrics.render();
    assert.match(
      restarts,
      /trainyard_kubernetes_watch_restarts_total\{reason="error",resource="jobs"\} [1-9]/,
    );
  });

  it('re-lists on 410 Expired and misses nothing', async () => {
    h = await startHarness();
    const run = makeRun();
    await h.runtime.submit(run);
    const pod = await podName(h, run.id);
    await h.sink.untilState(run.id, 'pending');
    h.fake.expireWatches();
    h.fake.startContainer(pod);
    await h.sink.untilState(run.id, 'running');
    h.fake.terminate(pod, 0);
    await h.sink.untilState(run.id, 'succeeded');
    assert.match(
      await h.metrics.render(),
      /trainyard_kubernetes_watch_restarts_total\{reason="expired",resource="(jobs|pods)"\} 1/,
    );
  });

  it('resumes a broken log stream without repeating or losing lines', async () => {
    h = await startHarness();
    const run = makeRun();
    await h.runtime.submit(run);
    const pod = await podName(h, run.id);
    h.fake.startContainer(pod);
    await h.sink.untilState(run.id, 'running');
    // Lines that share one timestamp and one second, so resuming from the whole second repeats them.
    h.fake.log(pod, ['step 1', 'step 2'], '2026-01-01T10:00:00.500000000Z');
    await h.sink.until('two lines', () => h.sink.linesOf(run.id).length === 2);
    h.fake.dropLogStreams();
    h.fake.log(pod, ['step 3'], '2026-01-01T10:00:00.500000000Z');
    h.fake.log(pod, ['step 4'], '2026-01-01T10:00:00.900000000Z');
    await h.sink.until('four lines', () => h.sink.linesOf(run.id).length >= 4);
    h.fake.dropLogStreams();
    h.fake.log(pod, ['step 5']);
    h.fake.terminate(pod, 0);
    await h.sink.untilState(run.id, 'succeeded');
    assert.deepEqual(h.sink.linesOf(run.id), ['step 1', 'step 2', 'step 3', 'step 4', 'step 5']);
    const resumed = h.fake.requests.filter((r) => r.path.endsWith('/log') && r.query.get('sinceTime'));
    assert.ok(resumed.length >= 2);
    assert.equal(resumed[0].query.get('sinceTime'), '2026-01-01T10:00:00Z');
  });

  it('is not ready while the cluster cannot be reached, says so once, and recovers by itself', async () => {
    h = await startHarness();
    h.fake.refuseConnections(true);
    const { log, lines } = capturingLogger('info');
    const runtime = runtimeFor(h.kubeconfig, undefined, {}, log);
    await runtime.start(new RecordingSink());
    try {
      await h.sink.until('an error line', () => lines.some((l) => l.includes('"level":"error"')));
      assert.equal(runtime.ready(), false);
      const error = JSON.parse(lines.find((l) => l.includes('"level":"error"'))!);
      assert.match(
        error.msg,
        /^Cannot reach the Kubernetes API: .*; check the kubeconfig context and the server, retrying\.$/,
      );
      assert.equal(error.context, 'fake');
      assert.equal(error.server, h.fake.url);
      h.fake.refuseConnections(false);
      await h.sink.until('the runtime to become ready', () => runtime.ready());
      assert.equal(lines.filter((l) => l.includes('"level":"error"')).length, 1);
    } finally {
      await runtime.close();
    }
  });

  it('names refused credentials (401) and keeps retrying', async () => {
    h = await startHarness();
    h.fake.fault({ path: '/jobs', watch: false, status: 401, times: 3 });
    const { log, lines } = capturingLogger('info');
    const runtime = runtimeFor(h.kubeconfig, undefined, {}, log);
    await runtime.start(new RecordingSink());
    try {
      await h.sink.until('the runtime to become ready', () => runtime.ready());
      assert.match(lines.join('\n'), /Kubernetes refused Trainyard's credentials \(HTTP 401/);
    } finally {
      await runtime.close();
    }
  });
});

import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { type Harness, makeRun, podName, startHarness } from './harness.ts';

/** Requests that are neither a create nor a log stream: the list+watch traffic. */
const watchTraffic = (h: Harness) =>
  h.fake.requests.filter((r) => r.method !== 'POST' && !r.path.endsWith('/log')).length;

describe('KubernetesRuntime API traffic', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('does not grow with the number of runs: one list and one watch per resource, no polling', async () => {
    h = await startHarness();
    await h.sink.until('both watches to open', () => h.fake.openWatches() === 2);
    assert.equal(watchTraffic(h), 4);
    const runs = Array.from({ length: 25 }, () => makeRun());
    for (const run of runs) await h.runtime.submit(run);
    for (const run of runs) h.fake.startContainer(await podName(h, run.id));
    await h.sink.until('all running', () => runs.every((r) => h.sink.last(r.id)?.state === 'running'));
    // Idle for a while: a poller would show up here.
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const run of runs) h.fake.terminate(h.fake.podOf(run.id)!.metadata.name, 0);
    await h.sink.until('all succeeded', () => runs.every((r) => h.sink.last(r.id)?.state === 'succeeded'));
    assert.equal(watchTraffic(h), 4);
    assert.equal(h.fake.count('POST'), runs.length);
    assert.equal(h.fake.openWatches(), 2);
  });
});

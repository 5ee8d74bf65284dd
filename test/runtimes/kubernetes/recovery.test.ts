import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Run } from '../../../src/core/run/run.ts';
import { type Harness, makeRun, podName, startHarness } from './harness.ts';

describe('KubernetesRuntime kill-and-restart recovery', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  /** Submits a run and brings it to `running`, as the store would then hold it. */
  async function runningRun(): Promise<Run> {
    const run = makeRun();
    const placement = await h.runtime.submit(run);
    const pod = await podName(h, run.id);
    h.fake.startContainer(pod);
    await h.sink.untilState(run.id, 'running');
    return { ...run, placement, state: 'running' };
  }

  it('re-attaches to live runs, finishes the ones that ended while down, marks missing ones lost, creates nothing', async () => {
    const live = await runningRun();
    const endedWhileDown = await runningRun();
    const deletedWhileDown = await runningRun();
    const waiting = makeRun();
    const waitingPlacement = await h.runtime.submit(waiting);
    await h.sink.untilState(waiting.id, 'pending');
    const livePod = h.fake.podOf(live.id)!.metadata.name;
    h.fake.log(livePod, ['before the restart']);
    await h.sink.until('the first line', () => h.sink.linesOf(live.id).length === 1);

    // The bot goes down; the cluster carries on.
    await h.runtime.close();
    h.fake.terminate(h.fake.podOf(endedWhileDown.id)!.metadata.name, 0);
    h.fake.deleteJobExternally(deletedWhileDown.placement!.handle);
    const posts = h.fake.count('POST');

    const { runtime, sink } = await h.restart();
    await runtime.recover([
      live,
      endedWhileDown,
      deletedWhileDown,
      { ...waiting, placement: waitingPlacement, state: 'pending' },
      { ...makeRun(), state: 'succeeded' },
    ]);
    await sink.untilState(endedWhileDown.id, 'succeeded');
    await sink.untilState(deletedWhileDown.id, 'lost');
    assert.equal(sink.last(deletedWhileDown.id)?.reason, 'Its Job was deleted while Trainyard was down.');
    assert.equal(sink.last(live.id)?.state, 'running');
    assert.equal(sink.last(waiting.id)?.state, 'pending');

    // Still following the live run: new lines arrive, and its end is reported.
    h.fake.log(livePod, ['after the restart']);
    await sink.until('the new line', () => sink.linesOf(live.id).includes('after the restart'));
    h.fake.terminate(livePod, 0);
    await sink.untilState(live.id, 'succeeded');
    assert.equal(h.fake.count('POST'), posts, 'nothing was created again');
    assert.ok(runtime.ready());
  });

  it('does not wait for runs that never reached the cluster', async () => {
    const { runtime, sink } = await h.restart();
    const queued = { ...makeRun(), state: 'building' as const };
    await runtime.recover([queued]);
    assert.deepEqual(sink.statesOf(queued.id), []);
  });
});

describe('KubernetesRuntime recovery while the cluster is unreachable', () => {
  it('does not hold up the start, and reconciles once the cluster answers', async () => {
    const h = await startHarness();
    try {
      const run = makeRun();
      const placement = await h.runtime.submit(run);
      await h.sink.untilState(run.id, 'pending');
      await h.runtime.close();
      h.fake.deleteJobExternally(placement.handle);
      h.fake.refuseConnections(true);
      const { runtime, sink } = await h.restart();
      await runtime.recover([{ ...run, placement, state: 'pending' }]);
      assert.equal(runtime.ready(), false);
      assert.deepEqual(sink.statesOf(run.id), []);
      h.fake.refuseConnections(false);
      await sink.untilState(run.id, 'lost');
    } finally {
      await h.close();
    }
  });
});

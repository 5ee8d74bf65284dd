import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Run } from '../../../../src/core/run/run.ts';
import type { RuntimeSink } from '../../../../src/ports/runtime.ts';
import { type Harness, makeRun, podName, runtimeFor, startHarness } from './harness.ts';

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
      { ...live, logCursor: h.sink.cursors.get(live.id) },
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
    assert.deepEqual(sink.linesOf(live.id), ['after the restart'], 'the line from before is not sent again');
    assert.equal(h.fake.count('POST'), posts, 'nothing was created again');
    assert.ok(runtime.ready());
  });

  it('resumes each log after the position the previous process reached: none repeated, none lost', async () => {
    const live = await runningRun();
    const endedWhileDown = await runningRun();
    const livePod = h.fake.podOf(live.id)!.metadata.name;
    const endedPod = h.fake.podOf(endedWhileDown.id)!.metadata.name;
    // Pinned times: the resumed stream starts at the whole second, and two lines share one instant.
    h.fake.log(livePod, ['one'], '2026-01-01T10:00:07.100000000Z');
    h.fake.log(livePod, ['two', 'three'], '2026-01-01T10:00:07.500000000Z');
    h.fake.log(endedPod, ['epoch 1'], '2026-01-01T10:00:07.100000000Z');
    await h.sink.until('the first lines', () => h.sink.linesOf(live.id).length === 3);
    await h.sink.until('the other run', () => h.sink.linesOf(endedWhileDown.id).length === 1);
    const stored = [live, endedWhileDown].map((run) => ({ ...run, logCursor: h.sink.cursors.get(run.id) }));
    assert.equal(h.sink.uncursored, 0, 'every delivery carries a cursor');

    await h.runtime.close();
    h.fake.log(livePod, ['four'], '2026-01-01T10:00:07.500000000Z');
    h.fake.log(livePod, ['five'], '2026-01-01T10:00:08.000000000Z');
    h.fake.log(endedPod, ['epoch 2'], '2026-01-01T10:00:08.000000000Z');
    h.fake.terminate(endedPod, 0);

    const { runtime, sink } = await h.restart();
    await runtime.recover(stored);
    await sink.untilState(endedWhileDown.id, 'succeeded');
    assert.deepEqual(sink.linesOf(endedWhileDown.id), ['epoch 2'], 'its last line arrives before its end');
    await sink.until('the lines printed while down', () => sink.linesOf(live.id).length === 2);
    h.fake.log(livePod, ['six']);
    h.fake.terminate(livePod, 0);
    await sink.untilState(live.id, 'succeeded');
    assert.deepEqual(sink.linesOf(live.id), ['four', 'five', 'six']);
    assert.equal(sink.uncursored, 0);
  });

  it('restarted 8 times at any moment while a pod prints progress bars: every line persisted once', async () => {
    const run = makeRun();
    const placement = await h.runtime.submit(run);
    const pod = await podName(h, run.id);
    h.fake.startContainer(pod);
    await h.sink.untilState(run.id, 'running');
    await h.runtime.close();
    // What a store that keeps each delivery's lines and cursor together holds after each kill.
    const persisted: string[] = [];
    let cursor: string | undefined;
    let i = 0;
    let last: ReturnType<typeof runtimeFor> | undefined;
    const printing = setInterval(() => {
      i++;
      h.fake.log(pod, [`tick ${i}: 10%\rtick ${i}: 100%`]);
    }, 5);
    try {
      for (let kill = 0; kill < 9; kill++) {
        let dead = false;
        const sink: RuntimeSink = {
          update: () => {},
          log: (_runId: string, lines: string[], at?: string) => {
            if (dead) return;
            persisted.push(...lines);
            cursor = at;
          },
        };
        const runtime = runtimeFor(h.kubeconfig);
        await runtime.start(sink);
        await runtime.recover([{ ...run, placement, state: 'running', logCursor: cursor }]);
        const seen = persisted.length;
        if (kill === 8) {
          last = runtime;
          break;
        }
        await h.sink.until('new lines', () => persisted.length > seen + (kill % 3));
        // The instant of the kill: nothing after it is persisted.
        dead = true;
        await runtime.close();
      }
    } finally {
      clearInterval(printing);
    }
    h.fake.log(pod, ['done']);
    h.fake.terminate(pod, 0);
    try {
      await h.sink.until('the last line', () => persisted.includes('done'));
    } finally {
      await last?.close();
    }
    const ticks = persisted.length - 1;
    const expected = Array.from({ length: ticks / 2 }, (_, n) => [
      `tick ${n + 1}: 10%`,
      `tick ${n + 1}: 100%`,
    ]).flat();
    assert.deepEqual(persisted, [...expected, 'done'], 'every line once, in order, across every restart');
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

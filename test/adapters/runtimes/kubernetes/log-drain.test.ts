/**
 * A run's end waits for the rest of its log: a log still arriving after the container ended (a
 * large backlog, a slow API server) is read to its end, however long that takes, as long as lines
 * keep coming; a log that has gone quiet, or that never ends, does not hold the end back.
 * The fake API server paces the pods' log streams (one line every 40 ms, the drain wait is 200 ms):
 * each log below takes longer to arrive than one drain wait.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { isEnded } from '../../../../src/core/run/run.ts';
import type { LogPace } from '../../../support/paced-log-stream.ts';
import { type Harness, makeRun, podName, startHarness } from './harness.ts';

const DRAIN_MS = 200;
const LINE_MS = 40;

/** 15 lines, 600 ms of stream at 40 ms a line: three drain waits. */
const backlog = (name: string) => [
  ...Array.from({ length: 13 }, (_, i) => `${name} epoch ${i + 1}/13 loss=${(1 / (i + 1)).toFixed(3)}`),
  'test_loss=0.2 test_acc=0.95',
  '::output test_acc=0.95',
];

describe('KubernetesRuntime: a run’s end waits for a log still arriving', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ logDrainMs: DRAIN_MS });
  });
  afterEach(async () => {
    await h.close();
  });

  /** Submits a run whose pod runs and prints `lines` at once; its log stream is paced by `pace`. */
  async function printSlowLog(lines: string[], pace: LogPace) {
    const run = makeRun();
    await h.runtime.submit(run);
    const pod = await podName(h, run.id);
    h.fake.paceLog(pod, pace);
    h.fake.startContainer(pod);
    await h.sink.untilState(run.id, 'running');
    h.fake.log(pod, lines);
    return { run, pod };
  }

  const ended = (runId: string) => h.sink.updates.some((u) => u.runId === runId && isEnded(u.update.state));

  it('archives every line of a log that arrives slowly after the end, its output last, before reporting the end', async () => {
    const lines = backlog('slow');
    const { run, pod } = await printSlowLog(lines, { lineMs: LINE_MS });
    h.fake.terminate(pod, 3, 'Error', 'boom');
    await h.sink.ended(run.id);
    assert.deepEqual(h.sink.linesAtEnd.get(run.id), lines, 'every line was delivered before the end');
    assert.deepEqual(h.sink.linesOf(run.id), lines, 'and none after it, none twice');
    const end = h.sink.last(run.id);
    assert.equal(end?.state, 'failed');
    assert.equal(end?.exitCode, 3, 'the end is the one the cluster gave');
    assert.match(end?.reason ?? '', /boom/);
  });

  it('reads on after the stream breaks mid-backlog once the container has ended', async () => {
    const lines = backlog('broken');
    const { run, pod } = await printSlowLog(lines, { lineMs: LINE_MS });
    h.fake.terminate(pod, 0);
    await h.sink.until('a few lines', () => h.sink.linesOf(run.id).length >= 4);
    h.fake.dropLogStreams();
    await h.sink.until('more lines', () => h.sink.linesOf(run.id).length >= 8 || ended(run.id));
    h.fake.dropLogStreams();
    await h.sink.untilState(run.id, 'succeeded');
    assert.deepEqual(h.sink.linesAtEnd.get(run.id), lines);
    assert.deepEqual(h.sink.linesOf(run.id), lines);
  });

  it('reports the end of a log gone quiet after a drain wait, and cuts a log that never ends at the ceiling', async () => {
    const quiet = backlog('quiet');
    const endless = backlog('endless');
    const a = await printSlowLog(quiet, { lineMs: LINE_MS, afterLast: 'hang' });
    const b = await printSlowLog(endless, { lineMs: LINE_MS, afterLast: 'stream' });
    // Both containers end together; both logs take three drain waits to arrive.
    h.fake.terminate(a.pod, 0);
    h.fake.terminate(b.pod, 0);
    await h.sink.ended(a.run.id);
    assert.deepEqual(h.sink.linesAtEnd.get(a.run.id), quiet, 'the quiet log was read to its last line');
    assert.equal(h.sink.last(a.run.id)?.state, 'succeeded');
    assert.equal(ended(b.run.id), false, 'the endless log still holds its run’s end');
    await h.sink.ended(b.run.id);
    const atEnd = h.sink.linesAtEnd.get(b.run.id) ?? [];
    assert.deepEqual(atEnd.slice(0, endless.length), endless);
    assert.ok(atEnd.length > endless.length, 'it was cut while still streaming');
    assert.equal(h.sink.last(b.run.id)?.state, 'succeeded');
    assert.equal(h.sink.last(b.run.id)?.exitCode, 0);
  });
});

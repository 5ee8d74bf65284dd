/**
 * A pipeline step's outputs are its last log lines, and the next step is decided when its end is
 * reported. On a cluster the log stream can lag behind the pod (a large backlog, a slow API
 * server): here every step's log arrives over three times the drain wait after its container has
 * ended. The whole hub runs with the real Kubernetes runtime against the loopback fake API server.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FileLogArchive } from '../../../src/adapters/store/FileLogArchive.ts';
import type { FileStore } from '../../../src/adapters/store/FileStore.ts';
import { isEnded } from '../../../src/core/run/run.ts';
import type { Hub } from '../../../src/services/Hub.ts';
import { eventually } from '../../support/eventually.ts';
import { alice } from '../../support/hub-world.ts';
import type { FakeKubeApiServer } from '../../support/kube-api-server.ts';
import { RecordingChat } from '../../support/recording-chat.ts';
import { type ClusterHub, startClusterHub, stepJob } from './pipeline-cluster.ts';
import { DEMO_LINES } from './pipeline-world.ts';

const MANIFESTS = join(import.meta.dirname, '../../../manifests');
const DRAIN_MS = 200;
/** 600 ms of log per step at 40 ms a line. */
const FILLER = Array.from({ length: 12 }, (_, i) => `batch ${i + 1}/12`);

describe('The demo pipeline on Kubernetes when the log streams lag behind the pods', () => {
  let fake: FakeKubeApiServer;
  let hub: Hub;
  let store: FileStore;
  let logs: FileLogArchive;
  let cluster: ClusterHub;
  const chat = new RecordingChat();

  before(async () => {
    cluster = await startClusterHub({ chat, templates: MANIFESTS, logDrainMs: DRAIN_MS });
    ({ fake, hub, store, logs } = cluster);
  });
  after(() => cluster.close());

  /** Runs the step's pod: it prints its lines at once and exits; its log stream takes its time. */
  async function runStep(step: string, index: number | undefined, lines: string[]) {
    const { runId, pod } = await stepJob(fake, step, index);
    fake.paceLog(pod, { lineMs: 40 });
    fake.startContainer(pod);
    fake.log(pod, [...FILLER, ...lines]);
    fake.terminate(pod, 0);
    return runId;
  }

  it('passes every step’s outputs on and archives every line, however late the lines arrive', async () => {
    const outcome = await hub.door.command('demo-pipeline rows=100 epochs=2', alice);
    assert.deepEqual(chat.errors(), []);
    const prep = await runStep('prep', undefined, DEMO_LINES.prep);
    await eventually('prep to end', () => isEnded(store.getRun(prep)?.state ?? 'running'));
    assert.deepEqual(store.getRun(prep)?.outputs, { rows: '80', test_rows: '20', file: 'samples.json' });
    const trains = [];
    for (const i of [1, 2, 3]) trains.push(await runStep('train', i, DEMO_LINES[`train#${i}`]));
    const evaluate = await runStep('eval', undefined, DEMO_LINES.eval);

    assert.equal(await outcome.groups?.[0](), true, 'the pipeline succeeded');
    assert.deepEqual(store.getRun(trains[1])?.outputs, { weights: '2,2,2' });
    assert.deepEqual(store.getRun(evaluate)?.outputs, { test_loss: '0.2', test_acc: '0.95' });
    assert.equal(store.getRun(evaluate)?.state, 'succeeded');
    await logs.flush();
    assert.deepEqual((await logs.read(prep))?.trimEnd().split('\n'), [...FILLER, ...DEMO_LINES.prep]);
  });
});

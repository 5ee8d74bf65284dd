/**
 * A pipeline step's outputs are its last log lines, and the next step is decided when its end is
 * reported. On a cluster the log stream can lag behind the pod (a large backlog, a slow API
 * server): here every step's log arrives over three times the drain wait after its container has
 * ended. The whole hub runs with the real Kubernetes runtime against the loopback fake API server.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { MetricsRegistry } from '../../../src/adapters/http/metrics.ts';
import { createKubernetesRuntime } from '../../../src/adapters/runtimes/kubernetes/create-kubernetes-runtime.ts';
import { FileLogArchive } from '../../../src/adapters/store/FileLogArchive.ts';
import { FileStore } from '../../../src/adapters/store/FileStore.ts';
import { createTemplateSource } from '../../../src/adapters/templates/template-source.ts';
import { loadConfig } from '../../../src/config/env.ts';
import { isEnded } from '../../../src/core/run/run.ts';
import { Hub } from '../../../src/services/Hub.ts';
import { silentLogger } from '../../../src/shared/log.ts';
import { eventually } from '../../support/eventually.ts';
import { alice, testPolicy } from '../../support/hub-world.ts';
import { FakeKubeApiServer } from '../../support/kube-api-server.ts';
import { RecordingChat } from '../../support/recording-chat.ts';
import { DEMO_LINES, instantBuilder } from './pipeline-world.ts';

const MANIFESTS = join(import.meta.dirname, '../../../manifests');
const DRAIN_MS = 200;
/** 600 ms of log per step at 40 ms a line. */
const FILLER = Array.from({ length: 12 }, (_, i) => `batch ${i + 1}/12`);

describe('The demo pipeline on Kubernetes when the log streams lag behind the pods', () => {
  let fake: FakeKubeApiServer;
  let dir: string;
  let hub: Hub;
  let store: FileStore;
  let logs: FileLogArchive;
  const chat = new RecordingChat();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trainyard-pipeline-slow-log-'));
    fake = await FakeKubeApiServer.start();
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(fake.writeKubeconfig({ namespace: 'ml' }));
    const runtime = createKubernetesRuntime({
      config: loadConfig({}),
      log: silentLogger,
      metrics: new MetricsRegistry(),
      kubeConfig,
      tuning: { backoff: { baseMs: 5, maxMs: 50 }, logDrainMs: DRAIN_MS },
    });
    store = await FileStore.open(join(dir, 'data'));
    logs = new FileLogArchive(join(dir, 'data'));
    hub = new Hub({
      store,
      templates: createTemplateSource(MANIFESTS),
      runtime,
      chat,
      policy: testPolicy,
      logs,
      builder: instantBuilder,
      log: silentLogger,
      metrics: new MetricsRegistry(),
      schedules: { timezone: 'UTC', minIntervalSeconds: 60 },
    });
    await hub.start();
  });
  after(async () => {
    await hub.close();
    await store.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the step's pod: it prints its lines at once and exits; its log stream takes its time. */
  async function runStep(step: string, index: number | undefined, lines: string[]) {
    const find = () =>
      fake
        .jobs()
        .find(
          (j) =>
            j.metadata.labels['trainyard.io/step'] === step &&
            (index === undefined || j.metadata.annotations['trainyard.io/step-index'] === String(index)),
        );
    await eventually(`the Job of ${step}${index ? `#${index}` : ''}`, () => find() !== undefined);
    const runId: string = find()?.metadata.labels['trainyard.io/run'];
    await eventually(`a pod for ${runId}`, () => fake.podOf(runId) !== undefined);
    const pod: string = fake.podOf(runId)?.metadata.name;
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

/**
 * The whole hub with the real Kubernetes runtime (client-node) against the loopback fake API
 * server, for the pipeline tests that play the kubelet themselves.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { MetricsRegistry } from '../../../src/adapters/http/metrics.ts';
import { createKubernetesRuntime } from '../../../src/adapters/runtimes/kubernetes/create-kubernetes-runtime.ts';
import { FileLogArchive } from '../../../src/adapters/store/FileLogArchive.ts';
import { FileStore } from '../../../src/adapters/store/FileStore.ts';
import { createTemplateSource } from '../../../src/adapters/templates/template-source.ts';
import { loadConfig } from '../../../src/config/env.ts';
import { Hub } from '../../../src/services/Hub.ts';
import { silentLogger } from '../../../src/shared/log.ts';
import { eventually } from '../../support/eventually.ts';
import { testPolicy } from '../../support/hub-world.ts';
import { FakeKubeApiServer } from '../../support/kube-api-server.ts';
import type { RecordingChat } from '../../support/recording-chat.ts';
import { instantBuilder } from './pipeline-world.ts';

export interface ClusterHub {
  /** A fresh folder of the test's own (the data folder is `<dir>/data`), removed by close(). */
  dir: string;
  fake: FakeKubeApiServer;
  hub: Hub;
  store: FileStore;
  logs: FileLogArchive;
  close(): Promise<void>;
}

export interface ClusterHubOptions {
  chat: RecordingChat;
  /** The templates folder, or a function that writes one into `dir` and returns it. */
  templates: string | ((dir: string) => string);
  /** Trainyard's environment (TRAINYARD_ARTIFACTS_CLAIM, …). */
  env?: Record<string, string>;
  logDrainMs: number;
}

export async function startClusterHub(opts: ClusterHubOptions): Promise<ClusterHub> {
  const dir = mkdtempSync(join(tmpdir(), 'trainyard-pipeline-cluster-'));
  const templates = typeof opts.templates === 'string' ? opts.templates : opts.templates(dir);
  const fake = await FakeKubeApiServer.start();
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(fake.writeKubeconfig({ namespace: 'ml' }));
  const runtime = createKubernetesRuntime({
    config: loadConfig(opts.env ?? {}),
    log: silentLogger,
    metrics: new MetricsRegistry(),
    kubeConfig,
    tuning: { backoff: { baseMs: 5, maxMs: 50 }, logDrainMs: opts.logDrainMs },
  });
  const store = await FileStore.open(join(dir, 'data'));
  const logs = new FileLogArchive(join(dir, 'data'));
  const hub = new Hub({
    store,
    templates: createTemplateSource(templates),
    runtime,
    chat: opts.chat,
    policy: testPolicy,
    logs,
    builder: instantBuilder,
    log: silentLogger,
    metrics: new MetricsRegistry(),
    schedules: { timezone: 'UTC', minIntervalSeconds: 60 },
  });
  await hub.start();
  return {
    dir,
    fake,
    hub,
    store,
    logs,
    async close() {
      await hub.close();
      await store.close();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The Job of a step instance once it exists, the run id it belongs to, and its pod's name. */
export async function stepJob(fake: FakeKubeApiServer, step: string, index?: number) {
  const find = () =>
    fake
      .jobs()
      .find(
        (j) =>
          j.metadata.labels['trainyard.io/step'] === step &&
          (index === undefined || j.metadata.annotations['trainyard.io/step-index'] === String(index)),
      );
  await eventually(`the Job of ${step}${index ? `#${index}` : ''}`, () => find() !== undefined);
  const job = find();
  assert.ok(job);
  const runId: string = job.metadata.labels['trainyard.io/run'];
  await eventually(`a pod for ${runId}`, () => fake.podOf(runId) !== undefined);
  return { job, runId, pod: fake.podOf(runId)?.metadata.name as string };
}

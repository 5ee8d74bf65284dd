/** Shared set-up for the Kubernetes runtime tests: the fake API server, a runtime, a recording sink. */
import { KubeConfig } from '@kubernetes/client-node';
import { MetricsRegistry } from '../../../../src/adapters/http/metrics.ts';
import {
  type CreateKubernetesRuntimeOptions,
  createKubernetesRuntime,
} from '../../../../src/adapters/runtimes/kubernetes/create-kubernetes-runtime.ts';
import type { KubernetesRuntime } from '../../../../src/adapters/runtimes/kubernetes/KubernetesRuntime.ts';
import { KubeApi } from '../../../../src/adapters/runtimes/kubernetes/kube-api.ts';
import { loadConfig } from '../../../../src/config/env.ts';
import type { Run } from '../../../../src/core/run/run.ts';
import { type Logger, silentLogger } from '../../../../src/shared/log.ts';
import { FakeKubeApiServer } from '../../../support/kube-api-server.ts';
import { makeRun as makeSharedRun } from '../../../support/make-run.ts';
import { RecordingSink } from '../../../support/recording-sink.ts';

export { RecordingSink };

export const NAMESPACE = 'ml';

let runCounter = 0;

export function makeRun(overrides: Partial<Run> & { image?: string; memory?: string } = {}): Run {
  runCounter++;
  const { image, memory, ...rest } = overrides;
  return makeSharedRun(
    {
      id: `r-${String(runCounter).padStart(10, '0')}`,
      number: runCounter,
      createdAt: new Date().toISOString(),
      ...rest,
    },
    {
      template: 'train',
      params: { epochs: 3 },
      image: image ?? 'ghcr.io/acme/train:1.0',
      command: ['python', 'train.py'],
      args: ['--epochs', '3'],
      workdir: '/tmp',
      resources: { cpu: '1', memory: memory ?? '1Gi', gpu: 0 },
    },
  );
}

export interface Harness {
  fake: FakeKubeApiServer;
  runtime: KubernetesRuntime;
  sink: RecordingSink;
  metrics: MetricsRegistry;
  kubeconfig: string;
  /** A second runtime on the same cluster, as after a restart of the bot. */
  restart(): Promise<{ runtime: KubernetesRuntime; sink: RecordingSink }>;
  close(): Promise<void>;
}

export const FAST = { backoff: { baseMs: 5, maxMs: 50 }, logDrainMs: 2000 };

export function runtimeFor(
  kubeconfig: string,
  metrics = new MetricsRegistry(),
  tuning: CreateKubernetesRuntimeOptions['tuning'] = {},
  log: Logger = silentLogger,
): KubernetesRuntime {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfig);
  return createKubernetesRuntime({
    config: loadConfig({}),
    log,
    metrics,
    kubeConfig,
    tuning: { ...FAST, ...tuning },
  });
}

export async function startHarness(tuning: CreateKubernetesRuntimeOptions['tuning'] = {}): Promise<Harness> {
  const fake = await FakeKubeApiServer.start();
  const kubeconfig = fake.writeKubeconfig({ namespace: NAMESPACE });
  const metrics = new MetricsRegistry();
  const runtime = runtimeFor(kubeconfig, metrics, tuning);
  const sink = new RecordingSink();
  await runtime.start(sink);
  await sink.until('the runtime to sync', () => runtime.ready());
  const extra: KubernetesRuntime[] = [runtime];
  return {
    fake,
    runtime,
    sink,
    metrics,
    kubeconfig,
    async restart() {
      const next = runtimeFor(kubeconfig, new MetricsRegistry(), tuning);
      const nextSink = new RecordingSink();
      extra.push(next);
      await next.start(nextSink);
      return { runtime: next, sink: nextSink };
    },
    async close() {
      for (const r of extra) await r.close();
      await fake.close();
    },
  };
}

/** A client of the fake cluster of its own, to act on it behind the runtime's back. */
export function apiFor(kubeconfig: string): KubeApi {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfig);
  return new KubeApi(kubeConfig, new MetricsRegistry());
}

/** The name of the run's newest pod, once the fake has one. */
export async function podName(h: Harness, runId: string): Promise<string> {
  await h.sink.until(`a pod for ${runId}`, () => h.fake.podOf(runId) !== undefined);
  return h.fake.podOf(runId)!.metadata.name;
}

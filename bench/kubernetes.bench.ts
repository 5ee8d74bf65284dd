/**
 * The Kubernetes runtime against the loopback fake API server:
 *   1. requests per run for 1,000 runs through their whole lifecycle (800 succeed, 200 are stopped);
 *   2. heap per tracked run with 1,000 runs running at once (logs followed);
 *   3. latency from a status change at the API server to sink.update, with 1,000 runs in flight.
 * Run with `node scripts/run-bench.mjs kubernetes` (it passes --expose-gc).
 */
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import { KubeConfig } from '@kubernetes/client-node';
import { MetricsRegistry } from '../src/adapters/http/metrics.ts';
import { createKubernetesRuntime } from '../src/adapters/runtimes/kubernetes/create-kubernetes-runtime.ts';
import { renderJobManifest } from '../src/adapters/runtimes/kubernetes/job-manifest.ts';
import type { KubernetesRuntime } from '../src/adapters/runtimes/kubernetes/KubernetesRuntime.ts';
import { KubeApi } from '../src/adapters/runtimes/kubernetes/kube-api.ts';
import { loadConfig } from '../src/config/env.ts';
import type { Run, RuntimeUpdate } from '../src/core/run/run.ts';
import type { RuntimeSink } from '../src/ports/runtime.ts';
import { silentLogger } from '../src/shared/log.ts';
import { FakeKubeApiServer } from '../test/support/kube-api-server.ts';
import { makeRun } from '../test/support/make-run.ts';

const RUNS = 1000;
const NAMESPACE = 'bench';

/** A sink that can wait for a given state of a given run, and times its arrival. */
class TimingSink implements RuntimeSink {
  readonly last = new Map<string, RuntimeUpdate>();
  lines = 0;
  private waiting = new Map<string, { state: string; resolve: () => void }>();

  update(runId: string, update: RuntimeUpdate): void {
    this.last.set(runId, update);
    const w = this.waiting.get(runId);
    if (w && w.state === update.state) {
      this.waiting.delete(runId);
      w.resolve();
    }
  }

  log(_runId: string, lines: string[]): void {
    this.lines += lines.length;
  }

  when(runId: string, state: string): Promise<void> {
    if (this.last.get(runId)?.state === state) return Promise.resolve();
    return new Promise((resolve) => this.waiting.set(runId, { state, resolve }));
  }

  async all(runIds: string[], state: string): Promise<void> {
    await Promise.all(runIds.map((id) => this.when(id, state)));
  }
}

function benchRun(i: number): Run {
  return makeRun(
    { id: `r-${String(i).padStart(10, '0')}`, number: i, createdAt: new Date().toISOString() },
    {
      template: 'bench',
      params: { i },
      image: 'ghcr.io/acme/bench:1',
      command: ['python', 'train.py'],
      resources: { cpu: '100m', memory: '128Mi', gpu: 0 },
    },
  );
}

function kubeConfigFor(fake: FakeKubeApiServer): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(fake.writeKubeconfig({ namespace: NAMESPACE }));
  return kc;
}

async function newRuntime(kubeConfig: KubeConfig): Promise<{ runtime: KubernetesRuntime; sink: TimingSink }> {
  const runtime = createKubernetesRuntime({
    config: loadConfig({}),
    log: silentLogger,
    metrics: new MetricsRegistry(),
    kubeConfig,
  });
  const sink = new TimingSink();
  await runtime.start(sink);
  while (!runtime.ready()) await new Promise((r) => setTimeout(r, 5));
  return { runtime, sink };
}

const podOf = (fake: FakeKubeApiServer, run: Run) => fake.podOf(run.id)!.metadata.name as string;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const ms = (n: number) => `${n.toFixed(2)} ms`;

function heapUsed(): number {
  for (let i = 0; i < 3; i++) global.gc?.();
  return process.memoryUsage().heapUsed;
}

async function requestsPerRun(): Promise<void> {
  const fake = await FakeKubeApiServer.start();
  const { runtime, sink } = await newRuntime(kubeConfigFor(fake));
  const runs = Array.from({ length: RUNS }, (_, i) => benchRun(i + 1));
  const placed = new Map<string, Run>();
  for (const run of runs) placed.set(run.id, { ...run, placement: await runtime.submit(run) });
  await sink.all(
    runs.map((r) => r.id),
    'pending',
  );
  for (const run of runs) fake.startContainer(podOf(fake, run));
  await sink.all(
    runs.map((r) => r.id),
    'running',
  );
  for (const run of runs) fake.log(podOf(fake, run), ['epoch 1/2 loss=0.5', 'epoch 2/2 loss=0.2']);
  const stopped = runs.slice(0, RUNS / 5);
  const finished = runs.slice(RUNS / 5);
  for (const run of finished) fake.terminate(podOf(fake, run), 0);
  for (const run of stopped) await runtime.stop(placed.get(run.id)!);
  await sink.all(
    finished.map((r) => r.id),
    'succeeded',
  );
  await sink.all(
    stopped.map((r) => r.id),
    'stopped',
  );
  const count = (method: string, log?: boolean) =>
    fake.requests.filter((r) => r.method === method && (log === undefined || r.path.endsWith('/log') === log))
      .length;
  const lists = fake.requests.filter(
    (r) => r.method === 'GET' && r.query.get('watch') !== 'true' && !r.path.endsWith('/log'),
  ).length;
  const watches = fake.count('GET', undefined, true);
  const creates = count('POST');
  const deletes = count('DELETE');
  const logStreams = count('GET', true);
  console.log(
    `\n1. ${RUNS} runs through their lifecycle (${finished.length} succeed, ${stopped.length} stopped)`,
  );
  console.log(`   creates      ${creates}  (${(creates / RUNS).toFixed(2)} per run)`);
  console.log(`   deletes      ${deletes}  (${(deletes / stopped.length).toFixed(2)} per stopped run)`);
  console.log(`   lists        ${lists}  watches ${watches}  (constant: one each for Jobs and Pods)`);
  console.log(
    `   log streams  ${logStreams}  (${(logStreams / RUNS).toFixed(2)} per run; one follow per pod)`,
  );
  console.log(
    `   total        ${fake.requests.length}  (${(fake.requests.length / RUNS).toFixed(3)} per run)`,
  );
  console.log(`   log lines delivered ${sink.lines} of ${RUNS * 2}`);
  await runtime.close();
  await fake.close();
}

async function heapPerRun(): Promise<void> {
  // The cluster lives in a worker thread, whose heap is its own: what grows here is the runtime.
  // Worker threads do not inherit tsx's loader in Node 20, so the worker registers it first.
  const entry = new URL('./kube-fake-worker.ts', import.meta.url).href;
  const worker = new Worker(
    `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`,
    { eval: true },
  );
  const reply = () => new Promise<Record<string, string>>((resolve) => worker.once('message', resolve));
  const { kubeconfig } = await reply();
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const api = new KubeApi(kc, new MetricsRegistry());
  const runs = Array.from({ length: RUNS }, (_, i) => benchRun(i + 1));
  for (const run of runs)
    await api.createJob(NAMESPACE, renderJobManifest(run, { namespace: NAMESPACE, suffix: 'bench' }));
  const lines = ['epoch 1/10 loss=0.9 acc=0.41', 'epoch 2/10 loss=0.7 acc=0.55'];
  worker.postMessage({ op: 'start-all', lines });
  await reply();
  const before = heapUsed();
  const { runtime, sink } = await newRuntime(kc);
  // As after a restart: the orchestrator hands over the runs its store has in flight.
  await runtime.recover(
    runs.map((run) => ({ ...run, state: 'running', placement: { handle: `bench-${run.number}` } })),
  );
  await sink.all(
    runs.map((r) => r.id),
    'running',
  );
  while (sink.lines < RUNS * lines.length) await new Promise((r) => setTimeout(r, 10));
  const after = heapUsed();
  const perRun = (after - before) / RUNS;
  console.log(
    `\n2. heap with ${RUNS} runs tracked at once, each with its log followed (API server in a worker)`,
  );
  console.log(`   heap before ${(before / 1e6).toFixed(1)} MB, after ${(after / 1e6).toFixed(1)} MB`);
  console.log(
    `   per tracked run ${(perRun / 1024).toFixed(1)} KB  (${(perRun / 20480).toFixed(2)} of the 20 KB budget)`,
  );
  await runtime.close();
  worker.postMessage({ op: 'close' });
  await new Promise((resolve) => worker.once('exit', resolve));
}

async function latency(): Promise<void> {
  const fake = await FakeKubeApiServer.start();
  const { runtime, sink } = await newRuntime(kubeConfigFor(fake));
  const runs = Array.from({ length: RUNS }, (_, i) => benchRun(i + 1));
  for (const run of runs) await runtime.submit(run);
  await sink.all(
    runs.map((r) => r.id),
    'pending',
  );
  // Baseline: a plain list round trip to the same server, for a ratio that travels across machines.
  const api = new KubeApi(kubeConfigFor(fake), new MetricsRegistry());
  const baseline: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    await api.listJobs(NAMESPACE, 'nothing=here');
    baseline.push(performance.now() - t);
  }
  const measure = async (state: string, change: (run: Run) => void): Promise<number[]> => {
    const times: number[] = [];
    for (const run of runs) {
      const arrived = sink.when(run.id, state);
      const t = performance.now();
      change(run);
      await arrived;
      times.push(performance.now() - t);
    }
    return times.sort((a, b) => a - b);
  };
  const started = await measure('running', (run) => fake.startContainer(podOf(fake, run)));
  const ended = await measure('succeeded', (run) => fake.terminate(podOf(fake, run), 0));
  baseline.sort((a, b) => a - b);
  const base = percentile(baseline, 50);
  console.log(`\n3. status change at the API server -> sink.update, ${RUNS} runs in flight`);
  console.log(`   baseline: empty list round trip p50 ${ms(base)}`);
  for (const [name, t] of [
    ['pending -> running', started],
    ['running -> succeeded', ended],
  ] as const) {
    const p50 = percentile(t, 50);
    const p99 = percentile(t, 99);
    console.log(
      `   ${name.padEnd(22)} p50 ${ms(p50)} (${(p50 / base).toFixed(1)}x)  p99 ${ms(p99)} (${(p99 / base).toFixed(1)}x)  max ${ms(t[t.length - 1])}`,
    );
  }
  await runtime.close();
  await fake.close();
}

console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown cpu'}, node ${process.version}`);
await requestsPerRun();
await heapPerRun();
await latency();

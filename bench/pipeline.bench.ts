/**
 * Pipelines (issue 13), the whole hub with the real Kubernetes runtime against the loopback fake
 * API server:
 *   1. a 200-step pipeline (4 stages, each a matrix of 50 runs, each stage needing the one before):
 *      time from a step run's success at the API server (its pod ends) to the create requests of
 *      the runs that success lets start — the next run of its matrix (`parallel: 10`), or the
 *      next stage's first ten — and API requests per step;
 *   2. the same pipeline with no `parallel` cap: the success that ends a stage starts all 50 of
 *      the next (3 such fan-outs);
 *   3. opening a store that holds 1,000 finished pipelines (each 5 step instances, like the demo).
 * Run with `node scripts/run-bench.mjs pipeline`.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { KubeConfig } from '@kubernetes/client-node';
import { MetricsRegistry } from '../src/adapters/http/metrics.ts';
import { createKubernetesRuntime } from '../src/adapters/runtimes/kubernetes/create-kubernetes-runtime.ts';
import { renderJobManifest } from '../src/adapters/runtimes/kubernetes/job-manifest.ts';
import { KubeApi } from '../src/adapters/runtimes/kubernetes/kube-api.ts';
import { FileLogArchive } from '../src/adapters/store/FileLogArchive.ts';
import { FileStore } from '../src/adapters/store/FileStore.ts';
import { createTemplateSource } from '../src/adapters/templates/template-source.ts';
import { loadConfig } from '../src/config/env.ts';
import type { PipelineRun } from '../src/core/pipeline/pipeline-run.ts';
import { Hub } from '../src/services/Hub.ts';
import { silentLogger } from '../src/shared/log.ts';
import { makeRun } from '../test/support/make-run.ts';
import { RecordingChat } from '../test/support/recording-chat.ts';
import { pipelineRecord } from '../test/views/pipeline-fixtures.ts';

const STAGES = 4;
const WIDTH = 50;
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.ceil((xs.length * p) / 100) - 1];
const ms = (n: number) => `${n.toFixed(1)} ms`;

/** A template folder with one image-only template and the 4 × 50 pipeline over it. */
async function templates(parallel?: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'trainyard-bench-pipeline-'));
  await writeFile(
    join(dir, 'work.yaml'),
    'params:\n  i: { type: int, default: 0, min: 0, max: 1000 }\nimage: busybox:1.36\ncommand: [sh, -c, "echo {{i}}"]\n',
  );
  const values = Array.from({ length: WIDTH }, (_, i) => i + 1).join(', ');
  const steps = Array.from({ length: STAGES }, (_, s) =>
    [
      `  s${s + 1}:`,
      '    template: work',
      s > 0 ? `    needs: [s${s}]` : '',
      `    matrix: { i: [${values}] }`,
      parallel ? `    parallel: ${parallel}` : '',
    ]
      .filter(Boolean)
      .join('\n'),
  );
  await writeFile(join(dir, 'wide.yaml'), `steps:\n${steps.join('\n')}\n`);
  return dir;
}

interface Scenario {
  /** 50 bare Job creates sent at once by a plain client to the same server: the floor of a fan-out. */
  bareFanOut?: number;
  latencies: number[];
  /** Of those, the successes that ended a stage and started the next one's runs. */
  fanOuts: number[];
  creates: number;
  watches: number;
  lists: number;
  logs: number;
  total: number;
  baseline: number;
}

/** A fake API server in a worker thread (see pipeline-fake-worker.ts), asked by message. */
async function fakeInWorker() {
  const entry = new URL('./pipeline-fake-worker.ts', import.meta.url).href;
  const worker = new Worker(
    `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`,
    { eval: true },
  );
  // One question at a time: each reply answers the message before it.
  let queue: Promise<unknown> = Promise.resolve();
  const ask = <T>(msg?: object): Promise<T> => {
    const answer = queue.then(
      () =>
        new Promise<T>((resolve) => {
          worker.once('message', resolve);
          if (msg) worker.postMessage(msg);
        }),
    );
    queue = answer;
    return answer;
  };
  const { kubeconfig, url } = await ask<{ kubeconfig: string; url: string }>();
  return {
    kubeconfig,
    url,
    end: () => ask<{ step: string; at: number; error?: string }>({ op: 'end' }),
    /** The arrival times of the creates, once at least `atLeast` have arrived. */
    creates: async (atLeast = 0) => (await ask<{ times: number[] }>({ op: 'creates', atLeast })).times,
    stats: () => ask<Omit<Scenario, 'latencies' | 'fanOuts' | 'baseline'>>({ op: 'stats' }),
    close: async () => {
      worker.postMessage({ op: 'close' });
      await new Promise((resolve) => worker.once('exit', resolve));
    },
  };
}

/** Runs the pipeline to its end as the kubelet, one pod end at a time, timing what each causes. */
async function runPipeline(parallel?: number): Promise<Scenario> {
  const dir = await templates(parallel);
  const data = await mkdtemp(join(tmpdir(), 'trainyard-bench-data-'));
  const fake = await fakeInWorker();
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(fake.kubeconfig);
  const runtime = createKubernetesRuntime({
    config: loadConfig({}),
    log: silentLogger,
    metrics: new MetricsRegistry(),
    kubeConfig,
    tuning: { logDrainMs: 1000 },
  });
  const store = await FileStore.open(data);
  const hub = new Hub({
    store,
    templates: createTemplateSource(dir),
    runtime,
    chat: new RecordingChat(),
    policy: { isAdmin: () => false, checkLaunch: () => undefined, mayStop: () => true },
    logs: new FileLogArchive(data),
    log: silentLogger,
    metrics: new MetricsRegistry(),
    schedules: { timezone: 'UTC', minIntervalSeconds: 60 },
  });
  await hub.start();
  await hub.whenResumed();

  // A baseline on this machine now: one empty list round trip, for ratios that travel.
  const t0 = performance.now();
  for (let i = 0; i < 20; i++)
    await fetch(`${fake.url}/apis/batch/v1/namespaces/bench/jobs?labelSelector=x%3Dy`);
  const baseline = (performance.now() - t0) / 20;

  const waitForCreates = async (n: number): Promise<number[]> => {
    const times = await fake.creates(n);
    if (times.length < n) throw new Error(`only ${times.length} of ${n} creates arrived`);
    return times;
  };
  await hub.door.command('wide', { user: 'UBENCH', channel: 'CBENCH' });
  const cap = parallel ?? WIDTH;
  await waitForCreates(cap);
  const started = Array.from({ length: STAGES }, (_, s) => (s === 0 ? cap : 0));
  const finished = Array.from({ length: STAGES }, () => 0);
  const latencies: number[] = [];
  const fanOuts: number[] = [];
  for (let done = 0; done < STAGES * WIDTH; done++) {
    const before = (await fake.creates()).length;
    const ended = await fake.end();
    if (ended.error) throw new Error(ended.error);
    const stage = Number(ended.step.slice(1)) - 1;
    finished[stage]++;
    // What this success lets start, by the executor's rules.
    let expected = 0;
    if (started[stage] < WIDTH) expected = 1;
    else if (finished[stage] === WIDTH && stage + 1 < STAGES) expected = Math.min(cap, WIDTH);
    if (expected === 1) started[stage]++;
    if (expected > 1) started[stage + 1] = expected;
    if (expected === 0) continue;
    const times = await waitForCreates(before + expected);
    const latency = times[before + expected - 1] - ended.at;
    latencies.push(latency);
    if (expected > 1) fanOuts.push(latency);
  }
  const [record] = store.pipelines.list();
  await hub.pipelines.whenEnded(record.id);
  if (store.pipelines.get(record.id)?.end?.state !== 'succeeded')
    throw new Error('the pipeline did not succeed');
  const stats = await fake.stats();
  // The floor of a 50-wide fan-out here: the same client library sending 50 creates at once.
  const api = new KubeApi(kubeConfig, new MetricsRegistry());
  const jobs = Array.from({ length: WIDTH }, (_, i) =>
    renderJobManifest(
      makeRun({ id: `r-bare${String(i).padStart(6, '0')}`, number: 9000 + i }, { image: 'busybox:1.36' }),
      {
        namespace: 'bench',
      },
    ),
  );
  const bare = performance.now();
  await Promise.all(jobs.map((job) => api.createJob('bench', job)));
  const bareFanOut = performance.now() - bare;
  // Less the baseline's own 20 lists.
  const result: Scenario = {
    ...stats,
    lists: stats.lists - 20,
    total: stats.total - 20,
    latencies,
    fanOuts,
    baseline,
    bareFanOut,
  };
  await hub.close();
  await store.close();
  await fake.close();
  await rm(dir, { recursive: true, force: true });
  await rm(data, { recursive: true, force: true });
  return result;
}

function report(title: string, s: Scenario): void {
  const steps = STAGES * WIDTH;
  console.log(`\n${title}`);
  console.log(`   baseline: empty list round trip ${ms(s.baseline)}`);
  const l = s.latencies;
  console.log(
    `   success -> its dependants' creates (${l.length} events): p50 ${ms(pct(l, 50))} (${(pct(l, 50) / s.baseline).toFixed(1)}x)  p99 ${ms(pct(l, 99))} (${(pct(l, 99) / s.baseline).toFixed(1)}x)  max ${ms(Math.max(...l))}`,
  );
  if (s.fanOuts.length > 0 && s.fanOuts.length < l.length) {
    const f = s.fanOuts;
    const single = l.filter((x) => !f.includes(x));
    console.log(
      `     one run starting the next of its matrix (${single.length}): p50 ${ms(pct(single, 50))}  p99 ${ms(pct(single, 99))}; a stage's end starting the next stage (${f.length}): ${f.map(ms).join(', ')}`,
    );
  }
  if (s.fanOuts.length === s.latencies.length && s.bareFanOut)
    console.log(
      `     floor: 50 bare creates sent at once by the same client ${ms(s.bareFanOut)}; the pipeline's p50 is ${(pct(l, 50) / s.bareFanOut).toFixed(1)}x that`,
    );
  console.log(
    `   requests: ${s.creates} creates (${(s.creates / steps).toFixed(2)} per step), ${s.watches} watches, ${s.lists} lists, ${s.logs} log follows (${(s.logs / steps).toFixed(2)} per step), ${s.total} in all (${(s.total / steps).toFixed(2)} per step)`,
  );
}

/**
 * 1,000 finished pipelines (5 step instances each, as the demo) saved through the real store, then
 * the store opened again; next to a baseline of reading and parsing all 1,000 records as one JSON
 * file (what keeping them whole in one file would cost at start-up).
 */
async function storeWithPipelines(): Promise<void> {
  const data = await mkdtemp(join(tmpdir(), 'trainyard-bench-pipelines-store-'));
  const store = await FileStore.open(data);
  const records: PipelineRun[] = [];
  for (let i = 0; i < 1000; i++) {
    const record: PipelineRun = pipelineRecord({
      id: `p-${String(i).padStart(10, '0')}`,
      number: store.nextRunNumber(),
      end: { state: 'succeeded' },
      endedAt: '2026-11-28T10:05:00.000Z',
      noticeSent: true,
    });
    records.push(record);
    store.pipelines.save(record);
  }
  await store.close();
  const whole = join(data, 'all-pipelines.json');
  await writeFile(whole, JSON.stringify(records));
  const bytes = readFileSync(join(data, 'trainyard.json')).length;
  const times: number[] = [];
  const parses: number[] = [];
  const lookups: number[] = [];
  for (let rep = 0; rep < 5; rep++) {
    const t = performance.now();
    const opened = await FileStore.open(data);
    times.push(performance.now() - t);
    // The newest finished ones stay live, older ones are in history: the oldest is still there.
    const l = performance.now();
    if (!(await opened.pipelines.loadByNumber(1))) throw new Error('pipeline #1 lost');
    lookups.push(performance.now() - l);
    await opened.close();
    const p = performance.now();
    JSON.parse(readFileSync(whole, 'utf8'));
    parses.push(performance.now() - p);
  }
  const open = pct(times, 50);
  const parse = pct(parses, 50);
  console.log('\n3. opening a store that holds 1,000 finished pipelines (5 step instances each)');
  console.log(
    `   live file ${(bytes / 1e6).toFixed(2)} MB (the newest finished ones; the rest in history); all 1,000 as one JSON file ${(readFileSync(whole).length / 1e6).toFixed(2)} MB`,
  );
  console.log(
    `   FileStore.open p50 ${ms(open)} (max ${ms(Math.max(...times))})  vs read + JSON.parse of all 1,000 in one file ${ms(parse)} (${(open / parse).toFixed(1)}x); the oldest by number ${ms(pct(lookups, 50))}`,
  );
  await rm(data, { recursive: true, force: true });
}

console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown cpu'}, node ${process.version}`);
console.log(`load average before: ${loadavg()}`);
report(
  '1. 200-step pipeline (4 stages × matrix of 50, parallel: 10) on the fake API server',
  await runPipeline(10),
);
report('2. the same without a parallel cap (each stage fans out to 50 at once)', await runPipeline());
await storeWithPipelines();
console.log(`\nload average after: ${loadavg()}`);

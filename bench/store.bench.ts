// Store figures with 10,000 finished runs on file:
//  - persisting a status change: the caller's cost (saveRun, synchronous) and the background
//    write it triggers (serialise the whole file, write a temp file, rename);
//  - 1,000 status changes per second for 3 s → how many file writes per second;
//  - loading the store at start-up.
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FileStore } from '../src/adapters/store/FileStore.ts';
import type { MetricSample, Run } from '../src/core/run/run.ts';

const RUNS = 10_000;
// Samples each finished run keeps on file (the store thins longer histories to 30 at the end),
// stored as columns (see src/store/stored-run.ts).
const HISTORY = 30;

const round = (x: number, digits = 4) => Number(x.toFixed(digits));

function finishedRun(n: number): Run {
  const started = Date.UTC(2026, 0, 1) + n * 60_000;
  const history: MetricSample[] = [];
  for (let i = 0; i < HISTORY; i++) {
    history.push({
      at: started + i * 30_000,
      // Values as training scripts print them (4 decimals), which is what the parser stores.
      values: {
        loss: round(2 / (i + 1) + Math.random() * 0.01),
        acc: round(1 - 1 / (i + 2)),
        lr: round(0.01 * 0.97 ** i, 6),
      },
    });
  }
  return {
    id: `r-${n.toString(36).padStart(10, '0')}`,
    number: n,
    spec: {
      template: 'resnet',
      params: { epochs: 30, lr: 0.01, batch_size: 128, gpus: 1 },
      image: 'registry.example.com/ml/resnet:3f2a9c1',
      command: ['python', 'train.py'],
      args: ['--epochs', '30', '--lr', '0.01', '--batch-size', '128'],
      env: { PYTHONUNBUFFERED: '1', DATA_DIR: '/data/cifar10' },
      workdir: '/srv/trainyard/manifests/resnet',
      resources: { cpu: '4', memory: '16Gi', gpu: 1 },
      job: { backoffLimit: 0, activeDeadlineSeconds: 86400, ttlSecondsAfterFinished: 3600 },
    },
    state: n % 10 === 0 ? 'failed' : 'succeeded',
    reason: n % 10 === 0 ? 'OOMKilled' : undefined,
    exitCode: n % 10 === 0 ? 137 : 0,
    launchedBy: 'U024BE7LH',
    channel: 'C0123456789',
    createdAt: new Date(started - 5000).toISOString(),
    startedAt: new Date(started).toISOString(),
    endedAt: new Date(started + HISTORY * 30_000).toISOString(),
    placement: { handle: `resnet-${n}-x7k2p`, namespace: 'ml-team' },
    progress: { current: 30, total: 30, unit: 'epoch' },
    metrics: history[history.length - 1].values,
    history,
    card: { channel: 'C0123456789', ts: `1767225600.${String(n).padStart(6, '0')}` },
    noticeSent: true,
  };
}

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)];
const ms = (x: number) => `${x.toFixed(3)} ms`;
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

/**
 * Writes the store file with 10,000 finished runs, and the same runs in the version 1 layout (one
 * object per history sample) to compare with what loading cost before the columnar format. Nothing
 * it builds stays reachable, so the loads below run on a heap like a fresh start-up's.
 */
async function writeFiles(dir: string, v1Dir: string): Promise<void> {
  const runs = Array.from({ length: RUNS }, (_, i) => finishedRun(i + 1));
  const store = await FileStore.open(dir, { retention: RUNS + 100 });
  for (const run of runs) store.saveRun(run);
  await store.close();
  await mkdir(v1Dir);
  const v1 = { version: 1, nextRunNumber: RUNS + 1, runs, schedules: [], keys: {} };
  await writeFile(join(v1Dir, 'trainyard.json'), JSON.stringify(v1));
}

const timed = async (work: () => Promise<unknown>, into: number[]) => {
  const t = performance.now();
  await work();
  into.push(performance.now() - t);
};

const dir = await mkdtemp(join(tmpdir(), 'trainyard-store-bench-'));
try {
  const file = join(dir, 'trainyard.json');
  const v1Dir = join(dir, 'v1');
  const v1File = join(v1Dir, 'trainyard.json');
  await writeFiles(dir, v1Dir);
  const mb = async (f: string) => `${((await stat(f)).size / 1e6).toFixed(1)} MB`;
  console.log(
    `file: ${RUNS} finished runs, ${HISTORY} history samples each, ${await mb(file)} (version 1 layout: ${await mb(v1File)})`,
  );

  // The migration rewrites the version 1 file; the baseline reads a copy of it.
  const v1Copy = join(dir, 'version-1-copy.json');
  await copyFile(v1File, v1Copy);
  const migration: number[] = [];
  await timed(async () => (await FileStore.open(v1Dir, { retention: RUNS + 100 })).close(), migration);
  console.log(
    `opening a version 1 file once, migrating it and closing (rewritten as version 2): ${ms(migration[0])}`,
  );

  // Start-up load, median of 5. Each load is paired with baselines measured right before it on
  // the same (shared, noisy) machine: reading a file and JSON.parse-ing it, nothing else.
  const loads: number[] = [];
  const rawParses: number[] = [];
  const rawV1Parses: number[] = [];
  let store: FileStore | undefined;
  for (let i = 0; i < 5; i++) {
    await store?.close();
    store = undefined;
    await timed(async () => JSON.parse(await readFile(v1Copy, 'utf8')), rawV1Parses);
    await timed(async () => JSON.parse(await readFile(file, 'utf8')), rawParses);
    await timed(async () => {
      store = await FileStore.open(dir, { retention: RUNS + 100 });
    }, loads);
  }
  const load = percentile(loads, 0.5);
  const rawParse = percentile(rawParses, 0.5);
  const rawV1Parse = percentile(rawV1Parses, 0.5);
  console.log(
    `load at start-up: median ${ms(load)}, max ${ms(Math.max(...loads))}; raw read+JSON.parse of the same file median ${ms(rawParse)} (load = ${(load / rawParse).toFixed(2)}× raw), of the version 1 layout ${ms(rawV1Parse)} (load = ${(load / rawV1Parse).toFixed(2)}× that)`,
  );
  if (!store) throw new Error('the store did not open');

  // The first write after start-up serialises every loaded run once (later writes reuse that JSON).
  store.saveRun({ ...finishedRun(RUNS + 1), state: 'running', endedAt: undefined, history: [] });
  await store.flush();
  console.log(`first write after start-up: ${ms(store.stats().lastWriteMs)}`);

  // One status change at a time: caller's cost, then the write it causes.
  const callerCost: number[] = [];
  const writeCost: number[] = [];
  for (let i = 0; i < 50; i++) {
    const active: Run = { ...finishedRun(RUNS + 1 + i), state: 'running', endedAt: undefined, history: [] };
    const t = performance.now();
    store.saveRun(active);
    callerCost.push(performance.now() - t);
    await store.flush();
    writeCost.push(store.stats().lastWriteMs);
  }
  console.log(
    `status change, caller (saveRun): p50 ${ms(percentile(callerCost, 0.5))}, p99 ${ms(percentile(callerCost, 0.99))}`,
  );
  // Baseline, median of 5: writing the same bytes with one plain writeFile (no serialising, no rename).
  const bytes = await readFile(join(dir, 'trainyard.json'), 'utf8');
  const rawWrites: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t1 = performance.now();
    await writeFile(join(dir, 'baseline.json'), bytes, 'utf8');
    rawWrites.push(performance.now() - t1);
  }
  const rawWrite = percentile(rawWrites, 0.5);
  const writeP50 = percentile(writeCost, 0.5);
  console.log(
    `status change, background write: p50 ${ms(writeP50)}, p99 ${ms(percentile(writeCost, 0.99))}; raw writeFile of the same bytes median ${ms(rawWrite)} (p50 = ${(writeP50 / rawWrite).toFixed(2)}× raw)`,
  );

  // 1,000 changes per second for 3 seconds, paced in 1 ms ticks.
  const before = store.stats().writes;
  const seconds = 3;
  const rateCaller: number[] = [];
  const start = performance.now();
  let changes = 0;
  while (changes < 1000 * seconds) {
    const due = Math.floor(performance.now() - start) - changes;
    for (let k = 0; k < due && changes < 1000 * seconds; k++, changes++) {
      const run = store.getRun(`r-${(RUNS + 1 + (changes % 50)).toString(36).padStart(10, '0')}`)!;
      const t = performance.now();
      store.saveRun({ ...run, reason: `step ${changes}` });
      rateCaller.push(performance.now() - t);
    }
    await sleep(1);
  }
  const elapsed = (performance.now() - start) / 1000;
  await store.flush();
  const writes = store.stats().writes - before;
  console.log(
    `${changes} status changes in ${elapsed.toFixed(2)} s (${(changes / elapsed).toFixed(0)}/s) → ${writes} file writes (${(writes / elapsed).toFixed(1)}/s); caller p99 ${ms(percentile(rateCaller, 0.99))}`,
  );
  await store.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}

// Store figures at 10,000 and 100,000 finished runs (issue 11), each next to a baseline measured in
// the same run on the same files, three repetitions (each a fresh start-up):
//  - start-up: FileStore.open vs read + JSON.parse of the live file, and of one file holding every
//    run (the old layout);
//  - one persisted change (saveRun + the write it causes, awaited one at a time), each paired with a
//    bare writeFile of the live file's bytes: event-loop time (event-loop utilisation: wall time the
//    loop was busy, fs callbacks and GC included, and stretched when the OS runs other processes),
//    the main thread's own CPU time (from /proc/self/task/<pid>/schedstat, which load does not
//    stretch), and the background write's wall time;
//  - 1,000 changes/s for 3 s: writes per second, event-loop time per change, event-loop delay p99;
//  - loadRunByNumber of an old (archived) run vs a bare open + read + close of 2 KB in a segment;
//  - live file and history sizes.
// BENCH_STORE_SIZES=10000 runs one size only.
import { mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { FileStore } from '../src/adapters/store/FileStore.ts';
import type { Run } from '../src/core/run/run.ts';
import { activeRun, buildStore, finishedRun, folderBytes } from './store-fixture.ts';
import {
  type Cost,
  costPct,
  gc,
  loadavg,
  mainThreadCpu,
  mb,
  measure,
  pct,
  tableHead,
  tableRow,
} from './store-measure.ts';

const SIZES = (process.env.BENCH_STORE_SIZES ?? '10000,100000').split(',').map(Number);
const REPS = 3;
const ACTIVE = 50;
const CHANGES = 200;
const LOADS = 200;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Progress of the active runs; every tenth change ends one (notice sent) and starts a new one. */
function changes(store: FileStore, first: number) {
  const slots = Array.from({ length: ACTIVE }, (_, i) => ({ n: first + i, epoch: 10 }));
  let i = 0;
  return (): Run => {
    const slot = slots[i++ % ACTIVE];
    if (i % 10 === 0) {
      const ended = finishedRun(slot.n);
      slot.n = store.nextRunNumber();
      slot.epoch = 1;
      return ended;
    }
    slot.epoch = (slot.epoch % 29) + 1;
    return activeRun(slot.n, slot.epoch);
  };
}

async function repetition(dir: string, finished: number, oneFile: string) {
  const figures: Record<string, number> = {};
  const liveFile = join(dir, 'trainyard.json');
  gc();
  const parseOld = await measure(async () => JSON.parse(await readFile(oneFile, 'utf8')));
  gc();
  const parse = await measure(async () => JSON.parse(await readFile(liveFile, 'utf8')));
  let store: FileStore | undefined;
  const startup = await measure(async () => {
    store = await FileStore.open(dir, { retention: finished * 2 });
  });
  if (!store) throw new Error('the store did not open');
  Object.assign(figures, { startup: startup.wall, startupLive: parse.wall, startupOld: parseOld.wall });
  // The lookups by id and owner are built after start-up, a segment per event-loop turn; a lookup
  // by id builds the rest at once. Timed on its own, so the per-change figures below are not
  // the warm-up's turns landing inside some changes' measurements.
  const opened = store;
  const warmUp = await measure(async () => {
    await opened.loadRun('r-not-a-run');
  });
  figures.warmUp = warmUp.wall;
  const firstActive = Math.min(...store.listRuns({ active: true }).map((r) => r.number));
  const next = changes(store, firstActive);
  await store.flush();

  // One change at a time, each followed by the baseline: a bare writeFile of the live file's bytes.
  const costs: Cost[] = [];
  const writes: number[] = [];
  const bare: Cost[] = [];
  const bytes = await readFile(liveFile);
  for (let i = 0; i < CHANGES; i++) {
    const change = next();
    const s = store;
    costs.push(
      await measure(async () => {
        s.saveRun(change);
        await s.flush();
      }),
    );
    writes.push(store.stats().lastWriteMs);
    bare.push(await measure(() => writeFile(join(dir, 'baseline.json'), bytes)));
  }
  const p = costPct;
  Object.assign(figures, {
    loopP50: p(costs, 'loop', 0.5),
    loopP99: p(costs, 'loop', 0.99),
    cpuP50: p(costs, 'cpu', 0.5),
    cpuP99: p(costs, 'cpu', 0.99),
    writeP50: pct(writes, 0.5),
    writeP99: pct(writes, 0.99),
    bareLoopP50: p(bare, 'loop', 0.5),
    bareLoopP99: p(bare, 'loop', 0.99),
    bareCpuP50: p(bare, 'cpu', 0.5),
    bareCpuP99: p(bare, 'cpu', 0.99),
    bareWriteP50: p(bare, 'wall', 0.5),
    bareWriteP99: p(bare, 'wall', 0.99),
  });

  // 1,000 changes per second for 3 seconds, paced in 1 ms ticks.
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const before = store.stats().writes;
  const elu = performance.eventLoopUtilization();
  const cpu = mainThreadCpu();
  const start = performance.now();
  delay.enable();
  let done = 0;
  while (done < 3000) {
    const due = Math.min(3000, Math.floor(performance.now() - start)) - done;
    for (let k = 0; k < due; k++, done++) store.saveRun(next());
    await sleep(1);
  }
  const seconds = (performance.now() - start) / 1000;
  await store.flush();
  delay.disable();
  Object.assign(figures, {
    rate: done / seconds,
    writesPerSecond: (store.stats().writes - before) / seconds,
    rateLoopPerChange: performance.eventLoopUtilization(elu).active / done,
    rateCpuPerChange: (mainThreadCpu() - cpu) / 1e6 / done,
    rateDelayP99: delay.percentile(99) / 1e6,
  });

  // Old runs by number, against a bare read of as many bytes at a random place in a segment.
  const history = join(dir, 'history');
  const segments = (await readdir(history)).filter((f) => f.endsWith('.jsonl'));
  const loadTimes: number[] = [];
  const preads: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    const n = 1 + Math.floor(Math.random() * (finished - 1000));
    const s = store;
    loadTimes.push((await measure(() => s.loadRunByNumber(n))).wall);
    const file = join(history, segments[Math.floor(Math.random() * segments.length)]);
    const pread = await measure(async () => {
      const handle = await open(file, 'r');
      await handle.read(Buffer.alloc(2048), 0, 2048, Math.floor(Math.random() * 1_000_000));
      await handle.close();
    });
    preads.push(pread.wall);
  }
  Object.assign(figures, {
    loadP50: pct(loadTimes, 0.5),
    loadP99: pct(loadTimes, 0.99),
    preadP50: pct(preads, 0.5),
    preadP99: pct(preads, 0.99),
    liveBytes: bytes.length,
    historyBytes: await folderBytes(history),
    segments: store.stats().segments,
  });
  await store.close();
  return figures;
}

/** The old layout's file: every run in one JSON document, as the old store kept them. */
async function writeOneFile(dir: string, file: string): Promise<number> {
  const history = join(dir, 'history');
  const names = (await readdir(history)).filter((f) => f.endsWith('.jsonl')).sort();
  const lines: string[] = [];
  for (const name of names) lines.push(...(await readFile(join(history, name), 'utf8')).trim().split('\n'));
  const text = `{"version":2,"runs":[\n${lines.join(',\n')}\n]}`;
  await writeFile(file, text);
  return Buffer.byteLength(text);
}

console.log(`machine: nproc ${cpus().length}, ${cpus()[0]?.model}, Node ${process.version}`);
for (const finished of SIZES) {
  const dir = await mkdtemp(join(tmpdir(), 'trainyard-store-bench-'));
  try {
    const built = performance.now();
    await buildStore(dir, finished, ACTIVE);
    console.log(
      `\n## ${finished} finished runs + ${ACTIVE} active (built in ${((performance.now() - built) / 1000).toFixed(0)} s)`,
    );
    const oneFile = join(tmpdir(), `trainyard-one-file-${process.pid}.json`);
    const oneFileBytes = await writeOneFile(dir, oneFile);
    const reps: Record<string, number>[] = [];
    for (let r = 0; r < REPS; r++) {
      const load = loadavg();
      const figures = await repetition(dir, finished, oneFile);
      reps.push(figures);
      const rounded = JSON.stringify(figures, (_, v) => (typeof v === 'number' ? Number(v.toFixed(3)) : v));
      console.log(`rep ${r + 1} (load average ${load}): ${rounded}`);
    }
    await rm(oneFile, { force: true });
    const row = (label: string, key: string, base?: string, unit = 'ms') =>
      tableRow(reps, label, key, base, unit);
    tableHead();
    row('start-up: FileStore.open (baseline: read + JSON.parse of the live file)', 'startup', 'startupLive');
    row(
      `start-up (baseline: read + JSON.parse of one ${mb(oneFileBytes)} file of every run)`,
      'startup',
      'startupOld',
    );
    row(
      'one change: event-loop time p50 (baseline: bare writeFile of the live bytes)',
      'loopP50',
      'bareLoopP50',
    );
    row('after start-up: the lookups by id and owner of every archived run, built at once', 'warmUp');
    row('one change: event-loop time p99', 'loopP99', 'bareLoopP99');
    row('one change: main-thread CPU p50', 'cpuP50', 'bareCpuP50');
    row('one change: main-thread CPU p99', 'cpuP99', 'bareCpuP99');
    row('one change: background write p50 (baseline: bare writeFile, wall)', 'writeP50', 'bareWriteP50');
    row('one change: background write p99', 'writeP99', 'bareWriteP99');
    row('1,000 changes/s: changes per second', 'rate', undefined, 'n');
    row('1,000 changes/s: live file writes per second', 'writesPerSecond', undefined, 'n');
    row('1,000 changes/s: event-loop time per change', 'rateLoopPerChange');
    row('1,000 changes/s: main-thread CPU per change', 'rateCpuPerChange');
    row('1,000 changes/s: event-loop delay p99', 'rateDelayP99');
    row('loadRunByNumber of an old run p50 (baseline: open + 2 KB read + close)', 'loadP50', 'preadP50');
    row('loadRunByNumber of an old run p99', 'loadP99', 'preadP99');
    row('live file size', 'liveBytes', undefined, 'MB');
    row('history size (segments + sidecars)', 'historyBytes', undefined, 'MB');
    row('history segments', 'segments', undefined, 'n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

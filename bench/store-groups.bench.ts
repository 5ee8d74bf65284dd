// Store figures for sweeps and pipelines (issues 11 and 13). A store holding 1,000 finished
// pipelines (20 steps each) and 1,000 finished sweeps (50 trials each) plus 10 of each under way,
// built through the real FileStore, first without and then with the 70,000 runs they ran. Three
// repetitions each (a fresh FileStore.open of the same folder), every figure next to a baseline
// measured in the same run on the same files:
//  - start-up: FileStore.open against read + JSON.parse of the live file, and of the file the
//    stopgap wrote (every sweep and pipeline ever run in the live file);
//  - one group save (a trial or step of a group under way changes; every tenth save ends a group
//    with its notice sent, so it moves to history, and starts a new one) + the write it causes,
//    awaited one at a time: event-loop time, main-thread CPU and background write, each paired with
//    a bare writeFile of the live file's bytes;
//  - loadByNumber of an archived sweep and pipeline against open + read + close of as many bytes;
//  - bytes per record (a pipeline at 10, 20 and 40 steps: O(steps)), live file and history sizes.
// BENCH_GROUPS=100 builds smaller stores.
import { mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FileStore } from '../src/adapters/store/FileStore.ts';
import { finishedRun } from './store-fixture.ts';
import { benchPipeline, benchSweep, STEPS, TRIALS } from './store-groups-fixture.ts';
import { type Cost, costPct, gc, loadavg, measure, pct, tableHead, tableRow } from './store-measure.ts';

/** BENCH_GROUPS=100 for a quick look. */
const GROUPS = Number(process.env.BENCH_GROUPS ?? 1000);
const ACTIVE = 10;
const REPS = 3;
const SAVES = 200;
const LOADS = 200;

/** Numbers as the services hand them out: a sweep, then its trials' runs; a pipeline, then its steps'. */
async function buildStore(
  dir: string,
  withRuns: boolean,
): Promise<{ sweeps: number[]; pipelines: number[] }> {
  const store = await FileStore.open(dir, { retention: 1_000_000 });
  const numbers = { sweeps: [] as number[], pipelines: [] as number[] };
  let n = 1;
  for (let i = 0; i < GROUPS + ACTIVE; i++) {
    const ended = i < GROUPS;
    store.sweeps.save(benchSweep(n, ended));
    if (withRuns && ended) for (let t = 1; t <= TRIALS; t++) store.saveRun(finishedRun(n + t));
    numbers.sweeps.push(n);
    n += TRIALS + 1;
    store.pipelines.save(benchPipeline(n, ended));
    if (withRuns && ended) for (let s = 1; s <= STEPS; s++) store.saveRun(finishedRun(n + s));
    numbers.pipelines.push(n);
    n += STEPS + 1;
    if (i % 25 === 0) await store.flush();
  }
  await store.close();
  return numbers;
}

/** The stopgap's live file: every sweep and pipeline in it, whole. */
async function writeStopgapFile(dir: string, file: string): Promise<number> {
  const history = join(dir, 'history');
  const live = JSON.parse(await readFile(join(dir, 'trainyard.json'), 'utf8'));
  const section = async (kind: string) => {
    const names = (await readdir(history)).filter((f) => f.startsWith(`${kind}-`) && f.endsWith('.jsonl'));
    const lines: string[] = live[kind].map((r: unknown) => JSON.stringify(r));
    for (const name of names.sort())
      lines.push(...(await readFile(join(history, name), 'utf8')).trim().split('\n'));
    return `"${kind}":[\n${lines.join(',\n')}\n]`;
  };
  const text = `{"version":3,"nextRunNumber":${live.nextRunNumber},${await section('sweeps')},\n${await section('pipelines')}}`;
  await writeFile(file, text);
  return Buffer.byteLength(text);
}

/** A trial or step of an active group changes; every tenth save ends one and starts another. */
function groupSaves(store: FileStore) {
  const sweeps = store.sweeps.list({ active: true });
  const pipelines = store.pipelines.list({ active: true });
  let i = 0;
  return (): void => {
    i++;
    const ending = i % 10 === 0;
    if (i % 2 === 0) {
      const k = (i / 2) % sweeps.length;
      const sweep = sweeps[k];
      if (ending) {
        store.sweeps.save(benchSweep(sweep.number, true));
        sweeps[k] = benchSweep(store.nextRunNumber(), false);
        store.sweeps.save(sweeps[k]);
        return;
      }
      const t = i % TRIALS;
      const trial = { ...sweep.trials[t], value: 1 / i, step: (i % 30) + 1 };
      sweeps[k] = { ...sweep, trials: sweep.trials.map((old, j) => (j === t ? trial : old)) };
      store.sweeps.save(sweeps[k]);
      return;
    }
    const k = ((i - 1) / 2) % pipelines.length;
    const pipeline = pipelines[k];
    if (ending) {
      store.pipelines.save(benchPipeline(pipeline.number, true));
      pipelines[k] = benchPipeline(store.nextRunNumber(), false);
      store.pipelines.save(pipelines[k]);
      return;
    }
    const key = `train#${(i % (STEPS - 4)) + 1}`;
    const steps = {
      ...pipeline.steps,
      [key]: { state: 'succeeded' as const, runId: `r-${i}`, outputs: { loss: '0.1' } },
    };
    pipelines[k] = { ...pipeline, steps };
    store.pipelines.save(pipelines[k]);
  };
}

async function repetition(
  dir: string,
  stopgapFile: string,
  numbers: { sweeps: number[]; pipelines: number[] },
) {
  const figures: Record<string, number> = {};
  const liveFile = join(dir, 'trainyard.json');
  gc();
  const parseOld = await measure(async () => JSON.parse(await readFile(stopgapFile, 'utf8')));
  gc();
  const parse = await measure(async () => JSON.parse(await readFile(liveFile, 'utf8')));
  let opened: FileStore | undefined;
  const startup = await measure(async () => {
    opened = await FileStore.open(dir, { retention: 1_000_000 });
  });
  const store = opened as FileStore;
  Object.assign(figures, { startup: startup.wall, startupLive: parse.wall, startupOld: parseOld.wall });

  const next = groupSaves(store);
  await store.flush();
  const costs: Cost[] = [];
  const writes: number[] = [];
  const bare: Cost[] = [];
  const bytes = await readFile(liveFile);
  for (let i = 0; i < SAVES; i++) {
    costs.push(
      await measure(async () => {
        next();
        await store.flush();
      }),
    );
    writes.push(store.stats().lastWriteMs);
    bare.push(await measure(() => writeFile(join(dir, 'baseline.json'), bytes)));
  }
  Object.assign(figures, {
    loopP50: costPct(costs, 'loop', 0.5),
    loopP99: costPct(costs, 'loop', 0.99),
    cpuP50: costPct(costs, 'cpu', 0.5),
    cpuP99: costPct(costs, 'cpu', 0.99),
    writeP50: pct(writes, 0.5),
    writeP99: pct(writes, 0.99),
    bareLoopP50: costPct(bare, 'loop', 0.5),
    bareLoopP99: costPct(bare, 'loop', 0.99),
    bareCpuP50: costPct(bare, 'cpu', 0.5),
    bareCpuP99: costPct(bare, 'cpu', 0.99),
    bareWriteP50: costPct(bare, 'wall', 0.5),
    bareWriteP99: costPct(bare, 'wall', 0.99),
  });

  // Old groups by number, against a bare read of as many bytes at a random place in a segment.
  const segments = (await readdir(join(dir, 'history'))).filter((f) =>
    /^(sweeps|pipelines)-.*\.jsonl$/.test(f),
  );
  const loads: number[] = [];
  const preads: number[] = [];
  const lineBytes = Buffer.byteLength(JSON.stringify(benchSweep(1, true)));
  for (let i = 0; i < LOADS; i++) {
    const kind = i % 2 === 0 ? numbers.sweeps : numbers.pipelines;
    const n = kind[Math.floor(Math.random() * (GROUPS - 100))];
    const group = i % 2 === 0 ? store.sweeps : store.pipelines;
    loads.push((await measure(() => group.loadByNumber(n))).wall);
    const file = join(dir, 'history', segments[Math.floor(Math.random() * segments.length)]);
    const pread = await measure(async () => {
      const handle = await open(file, 'r');
      await handle.read(Buffer.alloc(lineBytes), 0, lineBytes, Math.floor(Math.random() * 1_000_000));
      await handle.close();
    });
    preads.push(pread.wall);
  }
  const { sweeps, pipelines } = store.stats();
  Object.assign(figures, {
    loadP50: pct(loads, 0.5),
    loadP99: pct(loads, 0.99),
    preadP50: pct(preads, 0.5),
    preadP99: pct(preads, 0.99),
    liveBytes: bytes.length,
    liveSweeps: sweeps.live,
    livePipelines: pipelines.live,
    groupSegments: sweeps.segments + pipelines.segments,
  });
  await store.close();
  return figures;
}

const recordBytes = (record: object) => Buffer.byteLength(JSON.stringify(record));

console.log(`machine: nproc ${cpus().length}, ${cpus()[0]?.model}, Node ${process.version}`);
console.log(
  `record sizes: a sweep of ${TRIALS} trials ${recordBytes(benchSweep(1, true))} B; a pipeline of 10 / 20 / 40 steps ${[10, 20, 40].map((s) => recordBytes(benchPipeline(1, true, s))).join(' / ')} B`,
);
for (const withRuns of [false, true]) {
  const dir = await mkdtemp(join(tmpdir(), 'trainyard-groups-bench-'));
  try {
    const built = performance.now();
    const numbers = await buildStore(dir, withRuns);
    const runs = withRuns ? ` + their ${(GROUPS * (TRIALS + STEPS)).toLocaleString('en')} runs` : '';
    const seconds = ((performance.now() - built) / 1000).toFixed(0);
    console.log(
      `\n## ${GROUPS} finished sweeps and ${GROUPS} finished pipelines${runs}, ${ACTIVE} of each under way (built in ${seconds} s)`,
    );
    const stopgapFile = join(tmpdir(), `trainyard-stopgap-${process.pid}.json`);
    const stopgapBytes = await writeStopgapFile(dir, stopgapFile);
    const reps: Record<string, number>[] = [];
    for (let r = 0; r < REPS; r++) {
      const load = loadavg();
      const figures = await repetition(dir, stopgapFile, numbers);
      reps.push(figures);
      const rounded = JSON.stringify(figures, (_, v) => (typeof v === 'number' ? Number(v.toFixed(3)) : v));
      console.log(`rep ${r + 1} (load average ${load}): ${rounded}`);
    }
    await rm(stopgapFile, { force: true });
    const row = (label: string, key: string, base?: string, unit = 'ms') =>
      tableRow(reps, label, key, base, unit);
    tableHead();
    row('start-up: FileStore.open (baseline: read + JSON.parse of the live file)', 'startup', 'startupLive');
    row(
      `start-up (baseline: read + JSON.parse of the stopgap's ${(stopgapBytes / 1e6).toFixed(1)} MB live file)`,
      'startup',
      'startupOld',
    );
    row(
      'one group save: event-loop time p50 (baseline: bare writeFile of the live bytes)',
      'loopP50',
      'bareLoopP50',
    );
    row('one group save: event-loop time p99', 'loopP99', 'bareLoopP99');
    row('one group save: main-thread CPU p50', 'cpuP50', 'bareCpuP50');
    row('one group save: main-thread CPU p99', 'cpuP99', 'bareCpuP99');
    row('one group save: background write p50 (baseline: bare writeFile, wall)', 'writeP50', 'bareWriteP50');
    row('one group save: background write p99', 'writeP99', 'bareWriteP99');
    row('loadByNumber of an archived group p50 (baseline: open + read + close)', 'loadP50', 'preadP50');
    row('loadByNumber of an archived group p99', 'loadP99', 'preadP99');
    row('live file size', 'liveBytes', undefined, 'MB');
    row('sweeps in the live file', 'liveSweeps', undefined, 'n');
    row('pipelines in the live file', 'livePipelines', undefined, 'n');
    row('group history segments', 'groupSegments', undefined, 'n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

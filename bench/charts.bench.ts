// Charts (issue 14): how long a chart takes to draw (request → PNG through the render worker), and
// whether drawing them disturbs the bot. The second figure is the event-loop delay of the main
// thread (what every ack, card update and notice waits behind) while 50 charts are drawn, against
// the same measurement with nothing drawing; drawing the charts on the main thread instead is
// shown for contrast.
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { findChartFonts } from '../src/adapters/charts/chart-fonts.ts';
import { drawChart } from '../src/adapters/charts/draw-chart.ts';
import { WorkerChartRenderer } from '../src/adapters/charts/WorkerChartRenderer.ts';
import { CHART_SIZE } from '../src/core/chart/chart-spec.ts';
import { runChartSpec } from '../src/core/chart/run-chart.ts';
import type { MetricSample } from '../src/core/run/run.ts';

const RENDERS = 40;
const LOADED = 50;
/** Idle and loaded alternate this many times: the machine is shared and its load drifts. */
const ROUNDS = 3;

function history(points: number): MetricSample[] {
  return Array.from({ length: points }, (_, i) => ({
    at: i * 1000,
    step: i + 1,
    values: {
      loss: 2 * Math.exp(-i / (points / 5)) + 0.05 * Math.random(),
      val_loss: 2.1 * Math.exp(-i / (points / 4)) + 0.1,
      acc: 1 - Math.exp(-i / (points / 4)),
    },
  }));
}

const specFor = (points: number) =>
  runChartSpec(
    { number: 42, spec: { template: 'resnet' }, history: history(points), progress: { unit: 'epoch' } },
    { metric: 'val_loss', goal: 'min' },
  );

const fonts = findChartFonts();
const renderer = new WorkerChartRenderer({
  fontFiles: fonts.files,
  log: { warn: (msg, fields) => console.error(msg, fields) },
  maxQueue: LOADED,
});

const ms = (n: number) => `${n.toFixed(1)} ms`;
const at = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
const median = (xs: number[]) =>
  at(
    [...xs].sort((a, b) => a - b),
    0.5,
  );

/** Request → PNG through the worker, one chart at a time. */
async function renderTimes(points: number): Promise<{ p50: number; p99: number; bytes: number }> {
  const spec = specFor(points);
  for (let i = 0; i < 5; i++) await renderer.render(spec);
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < RENDERS; i++) {
    const start = performance.now();
    const result = await renderer.render(spec);
    times.push(performance.now() - start);
    if (!result.ok) throw new Error(result.reason);
    bytes = result.png.length;
  }
  times.sort((a, b) => a - b);
  return { p50: at(times, 0.5), p99: at(times, 0.99), bytes };
}

interface Delay {
  p50: number;
  p99: number;
  max: number;
  took: number;
  /** Share of the time the main thread's event loop was busy (not waiting for events). */
  busy: number;
}

/** Event-loop delay of this thread while `work` runs, in ms. */
async function loopDelay(work: () => Promise<unknown>): Promise<Delay> {
  const histogram = monitorEventLoopDelay({ resolution: 2 });
  histogram.enable();
  const elu = performance.eventLoopUtilization();
  const start = performance.now();
  await work();
  const took = performance.now() - start;
  const busy = performance.eventLoopUtilization(elu).utilization;
  histogram.disable();
  return {
    busy,
    p50: histogram.percentile(50) / 1e6,
    p99: histogram.percentile(99) / 1e6,
    max: histogram.max / 1e6,
    took,
  };
}

const summary = (rounds: Delay[]): Delay => ({
  p50: median(rounds.map((d) => d.p50)),
  p99: median(rounds.map((d) => d.p99)),
  max: median(rounds.map((d) => d.max)),
  took: median(rounds.map((d) => d.took)),
  busy: median(rounds.map((d) => d.busy)),
});
const row = (name: string, d: Delay) =>
  `${name.padEnd(40)} p50 ${ms(d.p50)}  p99 ${ms(d.p99)}  max ${ms(d.max)}  loop busy ${(d.busy * 100).toFixed(1)}%  over ${(d.took / 1000).toFixed(1)} s`;

console.log(`machine: ${cpus().length} cpu, ${cpus()[0]?.model ?? 'unknown'}; node ${process.version}`);
console.log(
  `load average at the start: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.log(`fonts: ${fonts.source}`);
const { width, height, scale } = CHART_SIZE;
console.log(
  `chart: ${width}×${height} at ${scale}× (PNG ${width * scale}×${height * scale}), 3 metrics, best marked`,
);

for (const points of [30, 500]) {
  const t = await renderTimes(points);
  console.log(
    `render ${String(points).padStart(3)} points/metric: p50 ${ms(t.p50)}  p99 ${ms(t.p99)}  (${RENDERS} charts through the worker; PNG ${(t.bytes / 1024).toFixed(0)} KB)`,
  );
}

const spec = specFor(500);
const idleRounds: Delay[] = [];
const loadedRounds: Delay[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const loaded = await loopDelay(() =>
    Promise.all(Array.from({ length: LOADED }, () => renderer.render(spec))),
  );
  loadedRounds.push(loaded);
  idleRounds.push(await loopDelay(() => new Promise((resolve) => setTimeout(resolve, loaded.took))));
}
const onThread = await loopDelay(async () => {
  // What the worker spares the bot: the same chart drawn on the main thread, 10 times.
  for (let i = 0; i < 10; i++) {
    await drawChart(spec, CHART_SIZE, fonts.files);
    await new Promise((resolve) => setImmediate(resolve));
  }
});
const idle = summary(idleRounds);
const loaded = summary(loadedRounds);
const perRound = (rounds: Delay[]) => rounds.map((d) => d.p99.toFixed(1)).join(' ');
console.log(
  `event-loop delay of the main thread, median of ${ROUNDS} rounds (p99 per round: idle ${perRound(idleRounds)}; rendering ${perRound(loadedRounds)}):`,
);
console.log(row('  idle', idle));
console.log(row(`  while ${LOADED} charts (500 points) render`, loaded));
console.log(row('  10 charts drawn on the main thread', onThread));
console.log(
  `  p99 rendering / idle: ×${(loaded.p99 / idle.p99).toFixed(2)}; p99 rendering / one chart's time: ×${(loaded.p99 / (loaded.took / LOADED)).toFixed(2)}`,
);
console.log(
  `load average at the end: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
await renderer.close();

// How the store benchmarks measure: event-loop time, main-thread CPU and wall time of one piece of
// work, percentiles and the machine's load average (bench/store.bench.ts, store-groups.bench.ts).
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)];
export const median = (xs: number[]) => pct(xs, 0.5);
export const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
export const gc = () => (globalThis as { gc?: () => void }).gc?.();

/** Nanoseconds the main thread has spent on a CPU (Linux). */
const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;
export const mainThreadCpu = () => Number(readFileSync(SCHEDSTAT, 'utf8').split(' ')[0]);

export interface Cost {
  /** Event-loop busy time, ms. */
  loop: number;
  /** Main thread CPU time, ms. */
  cpu: number;
  wall: number;
}

export async function measure(work: () => Promise<unknown>): Promise<Cost> {
  const elu = performance.eventLoopUtilization();
  const cpu = mainThreadCpu();
  const t = performance.now();
  await work();
  const wall = performance.now() - t;
  return { loop: performance.eventLoopUtilization(elu).active, cpu: (mainThreadCpu() - cpu) / 1e6, wall };
}

/** A percentile of one measure over many costs. */
export const costPct = (xs: Cost[], key: keyof Cost, q: number) =>
  pct(
    xs.map((c) => c[key]),
    q,
  );

const fmt = (x: number, unit = 'ms') =>
  unit === 'ms' ? `${x < 10 ? x.toFixed(2) : x.toFixed(0)} ms` : `${x.toFixed(0)}`;
export const mb = (x: number) => `${(x / 1e6).toFixed(2)} MB`;

/** Prints one markdown row: min, median, max over the repetitions, and the median against a baseline. */
export function tableRow(
  reps: Record<string, number>[],
  label: string,
  key: string,
  base?: string,
  unit = 'ms',
) {
  const xs = reps.map((f) => f[key]);
  const [lo, mid, hi] = [Math.min(...xs), median(xs), Math.max(...xs)];
  const b = base === undefined ? undefined : median(reps.map((f) => f[base]));
  const show = unit === 'MB' ? mb : (x: number) => fmt(x, unit);
  const baseText = b === undefined ? '—' : show(b);
  const ratio = b === undefined ? '—' : `${(mid / b).toFixed(2)}×`;
  console.log(`| ${label} | ${show(lo)} | ${show(mid)} | ${show(hi)} | ${baseText} | ${ratio} |`);
}

export function tableHead(): void {
  console.log('| figure | min | median | max | baseline (median) | median ÷ baseline |');
  console.log('|---|---|---|---|---|---|');
}

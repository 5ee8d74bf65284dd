// Scheduler figures: fire delay of 100 every-second schedules over 60 s, and start-up with
// 1,000 stored schedules. Real timers, real FileStore in a temp folder, a launcher that only
// stores the run. Usage: node scripts/run-bench.mjs schedules [-- seconds]
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FileStore } from '../src/adapters/store/FileStore.ts';
import type { Run } from '../src/core/run/run.ts';
import type { Schedule } from '../src/core/schedule/schedule.ts';
import type { LaunchCheck, Launcher, LaunchRequest, LaunchResult } from '../src/ports/launcher.ts';
import type { Store } from '../src/ports/store.ts';
import { CronScheduler } from '../src/services/scheduler/CronScheduler.ts';
import { silentLogger } from '../src/shared/log.ts';
import { makeRun } from '../test/support/make-run.ts';

const SCHEDULES = 100;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const STARTUP_SCHEDULES = 1000;

/** Stores a finished run per launch and notes how late each launch was against its scheduled second. */
class TimingLauncher implements Launcher {
  readonly delays: number[] = [];
  readonly fired = new Map<string, string[]>();
  constructor(private readonly store: Store) {}
  async check(req: LaunchRequest): Promise<LaunchCheck> {
    return { ok: true, spec: makeRun({}, { template: req.template }).spec };
  }
  async launch(req: LaunchRequest): Promise<LaunchResult> {
    const name = req.origin?.kind === 'schedule' ? req.origin.name : '';
    const scheduledAt = this.store.getSchedule(name)?.lastFireAt ?? '';
    this.delays.push(Date.now() - Date.parse(scheduledAt));
    const list = this.fired.get(name) ?? [];
    list.push(scheduledAt);
    this.fired.set(name, list);
    const now = new Date().toISOString();
    const run = makeRun(
      {
        number: this.store.nextRunNumber(),
        state: 'succeeded',
        launchedBy: req.user,
        channel: req.channel,
        schedule: name,
        createdAt: now,
        endedAt: now,
      },
      { template: req.template, command: ['true'] },
    );
    this.store.saveRun(run);
    return { ok: true, run };
  }
  async stop(): Promise<void> {}
  async whenEnded(runId: string): Promise<Run> {
    const run = this.store.getRun(runId);
    if (!run) throw new Error(`no run ${runId}`);
    return run;
  }
}

const quietChat = { announce: async () => {} };

function schedulerFor(store: Store, launcher: Launcher): CronScheduler {
  return new CronScheduler({
    store,
    launcher,
    chat: quietChat,
    policy: { isAdmin: () => false },
    log: silentLogger,
    timezone: 'UTC',
    minIntervalSeconds: 0,
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function firing(dir: string): Promise<void> {
  const store = await FileStore.open(join(dir, 'firing'));
  const launcher = new TimingLauncher(store);
  const scheduler = schedulerFor(store, launcher);
  await scheduler.start();
  const requester = { user: 'U_BENCH', channel: 'C_BENCH' };
  for (let i = 0; i < SCHEDULES; i++) {
    const reply = await scheduler.execute(
      { verb: 'schedule', cron: '*/1 * * * * *', template: 'demo', params: {}, name: `tick-${i}` },
      requester,
    );
    if (reply.kind !== 'schedule') throw new Error(JSON.stringify(reply));
  }
  // Baseline: how late a bare setTimeout aimed at each whole second is, in this same process and load.
  const baseline: number[] = [];
  let baselineTimer: NodeJS.Timeout | undefined;
  const armBaseline = () => {
    const target = Math.ceil((Date.now() + 1) / 1000) * 1000;
    baselineTimer = setTimeout(() => {
      baseline.push(Date.now() - target);
      armBaseline();
    }, target - Date.now());
  };
  armBaseline();
  const startedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  clearTimeout(baselineTimer);
  await scheduler.close();
  await store.close();

  let missed = 0;
  let doubled = 0;
  let fires = 0;
  for (const times of launcher.fired.values()) {
    fires += times.length;
    doubled += times.length - new Set(times).size;
    const ms = times.map((t) => Date.parse(t)).sort((a, b) => a - b);
    for (let i = 1; i < ms.length; i++) missed += Math.max(0, (ms[i] - ms[i - 1]) / 1000 - 1);
  }
  const expectedPerSchedule = Math.floor((Date.now() - startedAt) / 1000);
  const delays = [...launcher.delays].sort((a, b) => a - b);
  console.log(`firing: ${SCHEDULES} schedules × every second for ${SECONDS} s`);
  console.log(
    `  fires: ${fires} (≈${expectedPerSchedule} per schedule expected, ${(fires / SCHEDULES).toFixed(1)} got)`,
  );
  console.log(`  missed: ${missed}  doubled: ${doubled}`);
  const bare = [...baseline].sort((a, b) => a - b);
  const p99 = percentile(delays, 99);
  console.log(
    `  fire delay ms: p50 ${percentile(delays, 50)}  p99 ${p99}  max ${delays[delays.length - 1]}  (target p99 < 250 → ${(p99 / 250).toFixed(2)}× of budget)`,
  );
  console.log(
    `  baseline, a bare setTimeout per second in the same process: p50 ${percentile(bare, 50)}  p99 ${percentile(bare, 99)}  max ${bare[bare.length - 1]} ms`,
  );
}

async function startup(dir: string): Promise<void> {
  const folder = join(dir, 'startup');
  const seed = await FileStore.open(folder);
  const created = new Date(Date.now() - 60_000).toISOString();
  for (let i = 0; i < STARTUP_SCHEDULES; i++) {
    const schedule: Schedule = {
      name: `nightly-${i}`,
      cron: `${i % 60} ${i % 24} * * *`,
      timezone: ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata'][i % 4],
      template: 'demo',
      params: { epochs: String(i) },
      options: {},
      policy: 'forbid',
      channel: 'C_BENCH',
      owner: 'U_BENCH',
      paused: false,
      createdAt: created,
      lastFireAt: created,
      startingDeadlineSeconds: 3600,
    };
    seed.saveSchedule(schedule);
  }
  await seed.close();

  const openStarted = performance.now();
  const store = await FileStore.open(folder);
  const opened = performance.now();
  const scheduler = schedulerFor(store, new TimingLauncher(store));
  await scheduler.start();
  const started = performance.now();
  await scheduler.close();
  await store.close();
  const startMs = started - opened;
  console.log(`start-up: ${STARTUP_SCHEDULES} stored schedules (4 zones)`);
  console.log(`  store open: ${(opened - openStarted).toFixed(1)} ms`);
  console.log(
    `  scheduler.start (restore + missed-fire check + arm timers): ${startMs.toFixed(1)} ms (target < 1000 → ${(startMs / 1000).toFixed(3)}× of budget)`,
  );
}

const dir = await mkdtemp(join(tmpdir(), 'trainyard-bench-schedules-'));
try {
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown cpu'}, node ${process.version}`);
  await startup(dir);
  await firing(dir);
} finally {
  await rm(dir, { recursive: true, force: true });
}

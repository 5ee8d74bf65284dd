/**
 * A burst of /train commands as Slack and the people in it see it (issue 11). The real bot —
 * `node bin/trainyard.mjs start`, compiled dist/, Slack over HTTP and the Kubernetes runtime —
 * runs as a child process; the fake Slack Web API and the fake Kubernetes API run in another
 * (bench/burst-fakes-worker.ts); this process only sends signed slash commands: 200
 * `/train demo epochs=1` from 20 users in 4 channels, 50 in flight, each on a new connection.
 *
 * Next to it, in the same run and against the same fakes, three baselines (bench/burst-baseline.mjs):
 * a bare Bolt 5.1 app that only acks; + one client-node Job create per command; + one
 * chat.postMessage. Figures per batch: ack latency (request sent → status line received)
 * p50/p99/max, CPU per command of the bot process (/proc/<pid>/stat utime + stime, from just
 * before the batch until its Jobs and cards exist and the bot has gone idle), the event-loop
 * delay p99 over the batch (the bot's own /metrics), and the time until every Job exists.
 * Cold is the first 200 commands after start, warm the next 200. Three repetitions, interleaved.
 *
 * `demo` comes from bench/templates (the manifests/ demo with a prebuilt image): a launch meets the
 * fake cluster only. Env: REPS (3), COMMANDS (200), IN_FLIGHT (50), CPU_PROF=<dir> (a V8 CPU profile
 * of each Trainyard start, written when it exits), ONLY=trainyard|ack|create|post (comma-separated),
 * BOT_NODE_FLAGS (Node/V8 flags for the Trainyard child only).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error a plain .mjs build script without type declarations
import { buildIfStale } from '../scripts/dist.mjs';
import type { FakesAddress, FakesCounts, FakesRequest } from './burst-fakes-worker.ts';
import { FAKE_TOKEN } from './burst-fakes-worker.ts';
import {
  type Child,
  cpuMsOf,
  eventLoopP99FromMetrics,
  loadAverage,
  percentile,
  sendBatch,
  sleep,
  spread,
  startChild,
} from './burst-support.ts';

const ROOT = join(import.meta.dirname, '..');
const REPS = Number(process.env.REPS ?? 3);
const COMMANDS = Number(process.env.COMMANDS ?? 200);
const IN_FLIGHT = Number(process.env.IN_FLIGHT ?? 50);
const SECRET = 'burst-bench-signing-secret';
/** Slack lets a channel have ≈60 messages a minute: the warm batch waits out the cold batch's cards. */
const BUDGET_PAUSE_MS = Number(process.env.BUDGET_PAUSE_MS ?? 62_000);
/** The bot counts as done with a batch when neither fake has seen a request for this long and its CPU is idle. */
const QUIET_MS = Number(process.env.QUIET_MS ?? 1_500);

type BotName = 'ack' | 'create' | 'post' | 'trainyard';
const BOTS: { name: BotName; label: string }[] = [
  { name: 'ack', label: 'bare Bolt 5.1, ack only' },
  { name: 'create', label: 'bare Bolt + 1 client-node create' },
  { name: 'post', label: 'bare Bolt + create + 1 chat.postMessage' },
  { name: 'trainyard', label: 'Trainyard' },
];
const only = process.env.ONLY?.split(',');
const bots = BOTS.filter((b) => !only || only.includes(b.name));

interface BatchFigures {
  p50: number;
  p99: number;
  max: number;
  cpuPerCommand: number;
  /** CPU while the batch was being sent (first request → last answer), per command. */
  sendWindowCpuPerCommand: number;
  /** First request sent → last answer received. */
  sendMs: number;
  eventLoopP99: number;
  /** First request sent → the batch's last Job created, in ms. */
  jobsDoneMs: number;
  failures: number;
  kubeConnections: number;
  slackCalls: Record<string, number>;
}

// --- the fakes' process ------------------------------------------------------------------------

const fakes: ChildProcess = fork(join(import.meta.dirname, 'burst-fakes-worker.ts'), [], {
  execArgv: ['--import', 'tsx'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const fakesReply = <T>(msg?: FakesRequest) =>
  new Promise<T>((resolve) => {
    fakes.once('message', (reply) => resolve(reply as T));
    if (msg) fakes.send(msg);
  });
await fakesReply<{ ready: true }>();
const counts = () => fakesReply<FakesCounts>({ op: 'counts' });

// --- one bot ------------------------------------------------------------------------------------

async function startBot(name: BotName, fakeAt: FakesAddress, data: string): Promise<Child> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: data,
    PORT: '0',
    HOST: '127.0.0.1',
    SLACK_BOT_TOKEN: FAKE_TOKEN,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fakeAt.slackApiUrl,
    KUBECONFIG: fakeAt.kubeconfig,
  };
  if (name !== 'trainyard') {
    return startChild(
      ['bench/burst-baseline.mjs'],
      { ...env, BASELINE: name },
      /"msg":"listening","port":(\d+)/,
      '/healthz',
      ROOT,
    );
  }
  const profile = process.env.CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.CPU_PROF}`] : [];
  // V8 flags for Trainyard alone (e.g. BOT_NODE_FLAGS=--max-semi-space-size=2), to weigh their cost.
  const flags = process.env.BOT_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
  return startChild(
    [...profile, ...flags, 'bin/trainyard.mjs', 'start'],
    {
      ...env,
      TRAINYARD_RUNTIME: 'kubernetes',
      TRAINYARD_DATA: data,
      TRAINYARD_TEMPLATES: join(ROOT, 'bench/templates'),
      LOG_LEVEL: 'info',
    },
    /"msg":"slack listening for events".*?"port":(\d+)/,
    '/readyz',
    ROOT,
  );
}

/** The event-loop delay p99 since the previous read (each read starts a new window). */
async function eventLoopP99(name: BotName, bot: Child): Promise<number> {
  if (name === 'trainyard') return eventLoopP99FromMetrics(await (await fetch(`${bot.base}/metrics`)).text());
  const { p99Seconds } = (await (await fetch(`${bot.base}/eld`)).json()) as { p99Seconds: number };
  return p99Seconds * 1000;
}

async function batch(
  name: BotName,
  bot: Child,
  fakeAt: FakesAddress,
  from: number,
  tag: string,
): Promise<BatchFigures> {
  const before = await counts();
  await eventLoopP99(name, bot); // starts the window
  const cpu0 = cpuMsOf(bot.pid);
  const started = performance.now();
  let jobsDoneMs = Number.NaN;
  const wantJobs = name === 'ack' ? 0 : COMMANDS;
  const wantCards = name === 'post' || name === 'trainyard' ? COMMANDS : 0;
  const sending = sendBatch(bot.base, {
    from,
    count: COMMANDS,
    inFlight: IN_FLIGHT,
    users: 20,
    channels: 4,
    text: 'demo epochs=1',
    secret: SECRET,
    responseUrl: fakeAt.responseUrl,
    tag,
  });
  const sent = await sending;
  const cpuSent = cpuMsOf(bot.pid);
  // Done: every Job and card exists, the fakes have heard nothing for QUIET_MS and the CPU stands still.
  let now = await counts();
  const deadline = performance.now() + 180_000;
  for (;;) {
    now = await counts();
    const jobs = now.jobsCreated - before.jobsCreated;
    if (jobs >= wantJobs && Number.isNaN(jobsDoneMs)) jobsDoneMs = performance.now() - started;
    if (jobs >= wantJobs && now.cards - before.cards >= wantCards && now.quietMs >= QUIET_MS) {
      // Idle: at most 3 % of a CPU over a second (timers still tick, e.g. the event-loop monitor).
      const c = cpuMsOf(bot.pid);
      await sleep(1000);
      if (cpuMsOf(bot.pid) - c <= 30) break;
    }
    if (performance.now() > deadline) {
      console.log(
        `  ! ${name}: gave up waiting (jobs ${jobs}/${wantJobs}, cards ${now.cards - before.cards}/${wantCards})`,
      );
      break;
    }
    await sleep(20);
  }
  const cpu1 = cpuMsOf(bot.pid);
  const eventLoop = await eventLoopP99(name, bot);
  const slackCalls: Record<string, number> = {};
  for (const [method, n] of Object.entries(now.slackCalls))
    slackCalls[method] = n - (before.slackCalls[method] ?? 0);
  return {
    p50: percentile(sent.latencies, 50),
    p99: percentile(sent.latencies, 99),
    max: Math.max(...sent.latencies),
    cpuPerCommand: (cpu1 - cpu0) / COMMANDS,
    sendWindowCpuPerCommand: (cpuSent - cpu0) / COMMANDS,
    sendMs: sent.elapsedMs,
    eventLoopP99: eventLoop,
    jobsDoneMs,
    failures: sent.failures,
    kubeConnections: now.kubeConnections - before.kubeConnections,
    slackCalls,
  };
}

// --- the run ------------------------------------------------------------------------------------

if (buildIfStale() !== 0) throw new Error('building dist/ failed');
type Phase = 'cold' | 'warm';
const results = new Map<string, BatchFigures[]>(); // `${bot}:${phase}` → one per repetition
const loads: string[] = [];
const fmt = (f: BatchFigures) =>
  `ack p50 ${f.p50.toFixed(0)} / p99 ${f.p99.toFixed(0)} / max ${f.max.toFixed(0)} ms, ` +
  `CPU ${f.cpuPerCommand.toFixed(2)} ms/cmd (${f.sendWindowCpuPerCommand.toFixed(2)} while sending ` +
  `for ${f.sendMs.toFixed(0)} ms), event loop p99 ${f.eventLoopP99.toFixed(0)} ms, ` +
  `Jobs done ${(f.jobsDoneMs / 1000).toFixed(2)} s, Kubernetes connections ${f.kubeConnections}` +
  (f.failures ? `, ${f.failures} FAILED` : '') +
  `\n      Slack calls ${JSON.stringify(f.slackCalls)}`;

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, Node ${process.versions.node}`);
for (let rep = 1; rep <= REPS; rep++) {
  loads.push(loadAverage());
  console.log(`\nrepetition ${rep} (load average ${loads.at(-1)})`);
  for (const { name } of bots) {
    const fakeAt = await fakesReply<FakesAddress>({ op: 'reset' });
    const data = mkdtempSync(join(tmpdir(), 'trainyard-burst-'));
    const bot = await startBot(name, fakeAt, data);
    try {
      for (const phase of ['cold', 'warm'] as Phase[]) {
        if (phase === 'warm' && name === 'trainyard') await sleep(BUDGET_PAUSE_MS);
        const from = phase === 'cold' ? 0 : COMMANDS;
        const figures = await batch(name, bot, fakeAt, from, `r${rep}-${name}`);
        console.log(`  ${name.padEnd(9)} ${phase}: ${fmt(figures)}`);
        const key = `${name}:${phase}`;
        results.set(key, [...(results.get(key) ?? []), figures]);
      }
    } finally {
      await bot.stop();
      rmSync(data, { recursive: true, force: true });
    }
  }
}
loads.push(loadAverage());
fakes.send({ op: 'close' } satisfies FakesRequest);

// --- summary ------------------------------------------------------------------------------------

const of = (name: BotName, phase: Phase) => results.get(`${name}:${phase}`) ?? [];
const ratios = (phase: Phase, pick: (f: BatchFigures) => number, base: BotName) =>
  of('trainyard', phase).map((f, i) => pick(f) / pick(of(base, phase)[i]));
console.log(`\n${REPS} repetitions, min / median / max; load average per repetition: ${loads.join(' | ')}`);
for (const phase of ['cold', 'warm'] as Phase[]) {
  console.log(`\n${phase} (${phase === 'cold' ? 'first' : 'next'} ${COMMANDS} commands after start)`);
  console.log(
    '| bot | ack p50 (ms) | ack p99 (ms) | ack max (ms) | CPU per command (ms) | event-loop p99 (ms) | all Jobs exist (s) |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const { name, label } of bots) {
    const rs = of(name, phase);
    if (!rs.length) continue;
    console.log(
      `| ${label} | ${spread(rs.map((r) => r.p50))} | ${spread(rs.map((r) => r.p99))} | ${spread(rs.map((r) => r.max))} | ` +
        `${spread(
          rs.map((r) => r.cpuPerCommand),
          2,
        )} | ${spread(rs.map((r) => r.eventLoopP99))} | ` +
        `${
          name === 'ack'
            ? '—'
            : spread(
                rs.map((r) => r.jobsDoneMs / 1000),
                2,
              )
        } |`,
    );
  }
  if (of('trainyard', phase).length && of('ack', phase).length && of('post', phase).length) {
    console.log(
      `ratios (same repetition): ack p99 Trainyard / bare Bolt ${spread(
        ratios(phase, (f) => f.p99, 'ack'),
        2,
      )} (target ≤ 2); ` +
        `CPU per command Trainyard / (bare + create + post) ${spread(
          ratios(phase, (f) => f.cpuPerCommand, 'post'),
          2,
        )} (target ≤ 1.5)`,
    );
  }
}

/**
 * Start-up as an operator sees it: spawn → first `/healthz` 200, CPU spent until then, and
 * resident memory once started (VmRSS from /proc/<pid>/status once `/readyz` answers 200).
 * Configurations, each as compiled dist/ (what ships: `node bin/trainyard.mjs start`) and as the
 * sources through tsx (`node scripts/dev.mjs start`, i.e. `npm run dev`):
 *   bare Bolt   — a Bolt 5.1 app whose HTTPReceiver only serves /healthz (the baseline, plain JS);
 *   console     — `trainyard start` without a Slack token: console chat, TRAINYARD_RUNTIME=process;
 *   slack+k8s   — Slack over HTTP (fake Slack Web API) and the Kubernetes runtime against the
 *                 loopback fake API server (test/support/kube-api-server.ts, in this process).
 * Rounds interleave the configurations so load on this shared machine hits them alike.
 * Run with `npm run bench startup` (ROUNDS=3 by default; CPU_PROF=<dir> writes a CPU profile per start).
 * BEFORE=<checkout> also starts the compiled dist/ of another checkout (built, node_modules beside
 * it) in the same rounds, for a before/after comparison under the same load. POLL_MS (default 5)
 * sets how often /healthz and /readyz are polled; ONLY=<text> keeps the configurations whose name
 * has it (the baseline always runs).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error a plain .mjs build script without type declarations
import { buildIfStale } from '../scripts/dist.mjs';
import { FakeKubeApiServer } from '../test/support/kube-api-server.ts';
import { FakeSlackApi } from '../test/support/slack-api.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const POLL_MS = Number(process.env.POLL_MS ?? 5);
const ROOT = join(import.meta.dirname, '..');
const SECRET = 'bench-signing-secret';
const TOKEN = 'xoxb-bench';
const CLK_TCK = 100; // /proc/<pid>/stat counts CPU in clock ticks (100 a second on Linux)

/** A Bolt app that serves /healthz beside /slack/events and nothing else. */
const BARE_BOLT = `
import { App, HTTPReceiver } from '@slack/bolt';
const receiver = new HTTPReceiver({
  signingSecret: process.env.SLACK_SIGNING_SECRET,
  customRoutes: [{ path: '/healthz', method: ['GET'], handler: (_req, res) => { res.writeHead(200); res.end('ok'); } }],
});
const app = new App({ token: process.env.SLACK_BOT_TOKEN, receiver, tokenVerificationEnabled: false,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL } });
app.command('/train', async ({ ack }) => { await ack(); });
const server = await app.start(Number(process.env.PORT));
console.error(JSON.stringify({ msg: 'listening', port: server.address().port }));
`;

interface Sample {
  healthzMs: number;
  readyzMs: number;
  readyCpuMs: number;
  cpuMs: number;
  rssMb: number;
}

interface Setup {
  name: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** The log line that carries the port (PORT=0 lets the system pick one). */
  portLine: RegExp;
  ready: string;
}

function cpuMsOf(pid: number): number {
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

function rssMbOf(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return kb / 1024;
}

async function status(url: string): Promise<number> {
  try {
    const res = await fetch(url);
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

async function until(url: string, child: ChildProcess): Promise<void> {
  while ((await status(url)) !== 200) {
    if (child.exitCode !== null) throw new Error(`the process exited with ${child.exitCode}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function measure(setup: Setup): Promise<Sample> {
  const data = mkdtempSync(join(tmpdir(), 'trainyard-startup-'));
  const started = performance.now();
  // CPU_PROF=<dir>: also write a V8 CPU profile per start (written when the process exits).
  const profile = process.env.CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, ...setup.args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: data,
      TRAINYARD_DATA: data,
      PORT: '0',
      HOST: '127.0.0.1',
      ...setup.env,
    },
    // The console chat reads stdin: an open pipe keeps it running.
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  try {
    let stderr = '';
    const port = await new Promise<string>((resolve, reject) => {
      child.stderr?.on('data', (chunk) => {
        stderr += chunk;
        const found = setup.portLine.exec(stderr);
        if (found) resolve(found[1] ?? found[2]);
      });
      child.once('exit', (code) => reject(new Error(`${setup.name} exited with ${code}:\n${stderr}`)));
    });
    await until(`http://127.0.0.1:${port}/healthz`, child);
    const healthzMs = performance.now() - started;
    const cpuMs = cpuMsOf(child.pid as number);
    await until(`http://127.0.0.1:${port}${setup.ready}`, child);
    const readyzMs = performance.now() - started;
    const readyCpuMs = cpuMsOf(child.pid as number);
    return { healthzMs, readyzMs, cpuMs, readyCpuMs, rssMb: rssMbOf(child.pid as number) };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    rmSync(data, { recursive: true, force: true });
  }
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)], max: s[s.length - 1] };
};
const range = (xs: number[], digits = 0) => {
  const { min, median, max } = stats(xs);
  return `${min.toFixed(digits)} / ${median.toFixed(digits)} / ${max.toFixed(digits)}`;
};

if (buildIfStale() !== 0) throw new Error('building dist/ failed');
const kube = await FakeKubeApiServer.start();
const slack = await FakeSlackApi.start({ token: TOKEN });
const kubeDir = mkdtempSync(join(tmpdir(), 'trainyard-startup-kube-'));
const slackEnv = {
  SLACK_BOT_TOKEN: TOKEN,
  SLACK_SIGNING_SECRET: SECRET,
  SLACK_API_URL: slack.apiUrl,
  LOG_LEVEL: 'info',
};
const consoleEnv = { TRAINYARD_RUNTIME: 'process', LOG_LEVEL: 'info' };
const k8sEnv = {
  ...slackEnv,
  TRAINYARD_RUNTIME: 'kubernetes',
  KUBECONFIG: kube.writeKubeconfig({ namespace: 'bench', dir: kubeDir }),
};
// The port opens first thing in every mode (before the runtime and the chat load) and says so.
const healthPort = /"msg":"serving health and metrics".*?"port":(\d+)/;
// Before the early port, Slack over HTTP served /healthz on Bolt's receiver.
const boltPort = /"msg":"slack listening for events".*?"port":(\d+)/;
const DIST = ['bin/trainyard.mjs', 'start'];
const TSX = ['scripts/dev.mjs', 'start'];
const setups: Setup[] = [
  {
    name: 'bare Bolt 5.1 (baseline)',
    args: ['--input-type=module', '-e', BARE_BOLT],
    env: slackEnv,
    portLine: /"msg":"listening","port":(\d+)/,
    ready: '/healthz',
  },
  { name: 'console/process, dist', args: DIST, env: consoleEnv, portLine: healthPort, ready: '/readyz' },
  { name: 'Slack HTTP + Kubernetes, dist', args: DIST, env: k8sEnv, portLine: healthPort, ready: '/readyz' },
  {
    // The same with a young generation of 2 MB semi-spaces: the memory an operator can trade for
    // CPU per command (docs/benchmarks.md, "A smaller young generation"); not what ships.
    name: 'Slack HTTP + Kubernetes, dist, --max-semi-space-size=2',
    args: ['--max-semi-space-size=2', ...DIST],
    env: k8sEnv,
    portLine: healthPort,
    ready: '/readyz',
  },
  { name: 'console/process, tsx', args: TSX, env: consoleEnv, portLine: healthPort, ready: '/readyz' },
  { name: 'Slack HTTP + Kubernetes, tsx', args: TSX, env: k8sEnv, portLine: healthPort, ready: '/readyz' },
];
const before = process.env.BEFORE;
if (before) {
  const bin = [join(before, 'bin/trainyard.mjs'), 'start'];
  // Either log line: an older checkout may open the port early or late.
  const eitherPort = new RegExp(`${healthPort.source}|${boltPort.source}`);
  setups.push(
    {
      name: 'console/process, dist, BEFORE',
      args: bin,
      env: consoleEnv,
      portLine: eitherPort,
      ready: '/readyz',
    },
    {
      name: 'Slack HTTP + Kubernetes, dist, BEFORE',
      args: bin,
      env: k8sEnv,
      portLine: eitherPort,
      ready: '/readyz',
    },
  );
}

/** CPU and RSS that importing one package costs a fresh process (where start-up time goes). */
async function importCost(name: string): Promise<{ cpuMs: number; rssMb: number }> {
  const code = `const r0 = process.memoryUsage().rss; const c0 = process.cpuUsage();
await import(${JSON.stringify(name)});
const c = process.cpuUsage(c0);
console.log(JSON.stringify({ cpuMs: (c.user + c.system) / 1000, rssMb: (process.memoryUsage().rss - r0) / 2 ** 20 }));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  await new Promise((resolve) => child.once('exit', resolve));
  return JSON.parse(out);
}

const only = process.env.ONLY;
if (only) setups.splice(1, setups.length, ...setups.slice(1).filter((s) => s.name.includes(only)));
const loadBefore = readFileSync('/proc/loadavg', 'utf8').trim();
const samples = new Map<string, Sample[]>(setups.map((s) => [s.name, []]));
for (let round = 0; round < ROUNDS; round++)
  for (const setup of setups) samples.get(setup.name)?.push(await measure(setup));
const PACKAGES = ['@kubernetes/client-node', '@slack/bolt', 'dockerode', 'prom-client'];
const imports = new Map<string, { cpuMs: number; rssMb: number }[]>(PACKAGES.map((p) => [p, []]));
for (let round = 0; round < ROUNDS; round++)
  for (const name of PACKAGES) imports.get(name)?.push(await importCost(name));
const loadAfter = readFileSync('/proc/loadavg', 'utf8').trim();
await kube.close();
await slack.close();
rmSync(kubeDir, { recursive: true, force: true });

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, Node ${process.versions.node}`);
console.log(`load average before: ${loadBefore}; after: ${loadAfter}`);
console.log(`${ROUNDS} rounds; min / median / max\n`);
const base = samples.get(setups[0].name) as Sample[];
const baseHealthz = stats(base.map((s) => s.healthzMs)).median;
const baseRss = stats(base.map((s) => s.rssMb)).median;
const baseCpu = stats(base.map((s) => s.cpuMs)).median;
console.log(
  '| configuration | spawn → /healthz 200 (ms) | CPU until then (ms) | spawn → /readyz 200 (ms) | CPU until then (ms) | RSS once ready (MB) | ratios to bare Bolt (medians: /healthz time, CPU, RSS) |',
);
console.log('|---|---|---|---|---|---|---|');
for (const setup of setups) {
  const s = samples.get(setup.name) as Sample[];
  const healthz = s.map((x) => x.healthzMs);
  const cpu = s.map((x) => x.cpuMs);
  const readyz = s.map((x) => x.readyzMs);
  const readyCpu = s.map((x) => x.readyCpuMs);
  const rss = s.map((x) => x.rssMb);
  const ratio = (xs: number[], b: number) => `${(stats(xs).median / b).toFixed(2)}×`;
  console.log(
    `| ${setup.name} | ${range(healthz)} | ${range(cpu)} | ${range(readyz)} | ${range(readyCpu)} | ${range(rss)} | ${ratio(healthz, baseHealthz)}, ${ratio(cpu, baseCpu)}, ${ratio(rss, baseRss)} |`,
  );
}

console.log('\n| package imported alone | CPU (ms) | RSS added (MB) |');
console.log('|---|---|---|');
for (const [name, costs] of imports)
  console.log(`| ${name} | ${range(costs.map((c) => c.cpuMs))} | ${range(costs.map((c) => c.rssMb))} |`);

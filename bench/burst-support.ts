/**
 * Parts of the burst benchmark (bench/burst.bench.ts): starting a bot as a child process, reading
 * its CPU time from /proc, sending a batch of signed slash commands with a fixed number in flight,
 * and summing figures up.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { signedRequest, slashCommand } from '../test/support/slack-requests.ts';

const CLK_TCK = 100; // /proc/<pid>/stat counts CPU in clock ticks (100 a second on Linux)

/** utime + stime of a process, in ms. */
export function cpuMsOf(pid: number): number {
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

export const loadAverage = (): string =>
  readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Child {
  process: ChildProcess;
  pid: number;
  base: string;
  stderr: () => string;
  stop(): Promise<void>;
}

/** Spawns a server process and waits for the log line that names its port (PORT=0), then for `readyPath` to answer 200. */
export async function startChild(
  args: string[],
  env: NodeJS.ProcessEnv,
  portLine: RegExp,
  readyPath: string,
  cwd: string,
): Promise<Child> {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const port = await new Promise<string>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      // Only the start is kept: the port line and what a failed start says.
      if (stderr.length < 200_000) stderr += chunk;
      const found = portLine.exec(stderr);
      if (found) resolve(found[1]);
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}:\n${stderr}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the process exited with ${child.exitCode}:\n${stderr}`);
    if (
      (await fetch(`${base}${readyPath}`).then(
        (r) => r.status,
        () => 0,
      )) === 200
    )
      break;
    await sleep(20);
  }
  return {
    process: child,
    pid: child.pid as number,
    base,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface BatchSpec {
  /** First command number of the batch (trigger ids and response URLs are unique per number). */
  from: number;
  count: number;
  inFlight: number;
  users: number;
  channels: number;
  text: string;
  secret: string;
  responseUrl: string;
  /** Makes trigger ids unique across bots and repetitions. */
  tag: string;
}

export interface BatchResult {
  /** Request sent → response status line received, per command, in ms. */
  latencies: number[];
  failures: number;
  elapsedMs: number;
}

/**
 * Sends the batch: `inFlight` senders, each with a new connection per request (as Slack's
 * deliveries arrive). Every body is built and signed before the clock starts.
 */
export async function sendBatch(base: string, spec: BatchSpec): Promise<BatchResult> {
  const url = new URL('/slack/events', base);
  const bodies = Array.from({ length: spec.count }, (_, k) => {
    const i = spec.from + k;
    const form = slashCommand(spec.text, {
      user: `U${String((i % spec.users) + 1).padStart(3, '0')}`,
      channel: `C${(i % spec.channels) + 1}`,
      triggerId: `${spec.tag}-${i}`,
      responseUrl: `${spec.responseUrl}${i}`,
    });
    return signedRequest(form, { secret: spec.secret });
  });
  const agent = new Agent({ keepAlive: false });
  const post = ({ body, headers }: (typeof bodies)[number]) =>
    new Promise<{ status: number; ms: number }>((resolve, reject) => {
      const t0 = performance.now();
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers, agent },
        (res) => {
          const ms = performance.now() - t0;
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, ms }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const result: BatchResult = { latencies: [], failures: 0, elapsedMs: 0 };
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: spec.inFlight }, async () => {
      while (next < bodies.length) {
        const sent = await post(bodies[next++]).catch(() => ({ status: 0, ms: Number.NaN }));
        if (sent.status === 200) result.latencies.push(sent.ms);
        else result.failures++;
      }
    }),
  );
  result.elapsedMs = performance.now() - started;
  return result;
}

/** The p-th percentile (nearest rank) of unsorted values. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** "min / median / max" of a figure over the repetitions. */
export function spread(values: number[], digits = 0): string {
  const s = [...values].filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!s.length) return 'n/a';
  const f = (v: number) =>
    v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  return `${f(s[0])} / ${f(s[Math.floor(s.length / 2)])} / ${f(s[s.length - 1])}`;
}

/** prom-client's `nodejs_eventloop_lag_p99_seconds` from a /metrics text, in ms. */
export function eventLoopP99FromMetrics(text: string): number {
  const m = /^nodejs_eventloop_lag_p99_seconds(?:\{[^}]*\})? ([0-9.eE+-]+)/m.exec(text);
  return m ? Number(m[1]) * 1000 : Number.NaN;
}

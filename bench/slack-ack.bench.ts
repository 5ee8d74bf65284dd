/**
 * 200 signed /train slash commands, 50 in flight at a time, sent to the real Bolt HTTPReceiver
 * (createSlackChat in HTTP mode). Each command is also re-sent as a Slack retry
 * (X-Slack-Retry-Num: 1). Figures: ack latency as the sender sees it (request sent → HTTP 200)
 * and how many launches the handlers saw (must be exactly one per command).
 *
 * The sender is this same file run as a child process (ACK_BENCH_PORT set), so its CPU does
 * not queue in front of the receiver's, as Slack's own senders would not. The handlers stand
 * in for the orchestrator: each launch records a run per command text, so a duplicate launch
 * shows up as a second run for the same command.
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createSlackChat } from '../src/adapters/chat/slack/create-slack-app.ts';
import { MetricsRegistry } from '../src/adapters/http/metrics.ts';
import { loadConfig } from '../src/config/env.ts';
import type { ChatHandlers } from '../src/ports/chat.ts';
import { silentLogger } from '../src/shared/log.ts';
import { FakeSlackApi } from '../test/support/slack-api.ts';
import { signedRequest, slashCommand } from '../test/support/slack-requests.ts';

const COMMANDS = Number(process.env.COMMANDS ?? 200);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 50);
const SECRET = 'bench-signing-secret';

interface SenderResult {
  latencies: number[];
  failures: number;
  elapsedMs: number;
}

/** Child process: sends the commands (and their retries) and prints the latencies as JSON. */
async function sender(port: number, responseUrl: string): Promise<void> {
  // A new connection per request, as Slack's deliveries arrive. (A shared keep-alive pool measured
  // mostly its own socket scheduling: one socket's queue grew while others idled.)
  const agent = new Agent({ keepAlive: false });
  const post = (form: Record<string, string>, retryNum?: number) =>
    new Promise<number>((resolve, reject) => {
      const { body, headers } = signedRequest(form, { secret: SECRET, retryNum });
      const req = request(
        { host: '127.0.0.1', port, path: '/slack/events', method: 'POST', headers, agent },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const result: SenderResult = { latencies: [], failures: 0, elapsedMs: 0 };
  const send = async (i: number, retryNum?: number) => {
    const form = slashCommand(`demo epochs=2 seed=${i}`, {
      user: `U${i % 13}`,
      triggerId: `trigger-${process.env.ACK_BENCH_ROUND}-${i}`,
      responseUrl: `${responseUrl}${i}`,
    });
    const t0 = performance.now();
    const status = await post(form, retryNum);
    if (retryNum === undefined) result.latencies.push(performance.now() - t0);
    if (status !== 200) result.failures++;
  };
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < COMMANDS) {
        const i = next++;
        await send(i);
        await send(i, 1);
      }
    }),
  );
  result.elapsedMs = performance.now() - started;
  process.stdout.write(JSON.stringify(result));
}

/** Parent: the Slack receiver under test, then the figures. */
async function receiver(): Promise<void> {
  const runsByCommand = new Map<string, number>();
  const handlers: ChatHandlers = {
    async command(text) {
      runsByCommand.set(text, (runsByCommand.get(text) ?? 0) + 1);
      return { started: [] };
    },
    async action() {},
    async submitForm() {
      return { ok: true };
    },
    async homeOpened() {},
  };
  const fake = await FakeSlackApi.start({ token: 'xoxb-bench' });
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.apiUrl,
    PORT: '0',
  });
  const metrics = new MetricsRegistry();
  const chat = await createSlackChat({ config, log: silentLogger, metrics, host: '127.0.0.1' });
  await chat.start(handlers);

  // Warm-up (JIT) with trigger ids of their own, then measure from a clean slate.
  const warm = await runSender(
    { ...process.env, COMMANDS: '30', CONCURRENCY: '5', ACK_BENCH_ROUND: 'warm-up' },
    chat.listeningPort,
    fake,
  );
  if (warm.failures) throw new Error('warm-up requests failed');
  runsByCommand.clear();
  const { latencies, failures, elapsedMs } = await runSender(
    { ...process.env, ACK_BENCH_ROUND: 'measured' },
    chat.listeningPort,
    fake,
  );
  await new Promise((resolve) => setTimeout(resolve, 200)); // let the last handler calls run

  const sorted = [...latencies].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  const launches = [...runsByCommand.values()].reduce((a, b) => a + b, 0);
  const duplicates = [...runsByCommand.values()].filter((n) => n > 1).length;
  console.log(
    `${COMMANDS} commands (+${COMMANDS} retries), ${CONCURRENCY} at a time, in ${(elapsedMs / 1000).toFixed(2)} s`,
  );
  console.log(
    `ack latency p50 ${pct(50).toFixed(1)} ms, p99 ${pct(99).toFixed(1)} ms, max ${sorted.at(-1)?.toFixed(1)} ms (Slack allows 3000 ms)`,
  );
  console.log(
    `receiver's own time (listener entered → ack sent), p99 bucket: ≤ ${await serverAckP99(metrics)} s`,
  );
  console.log(`non-200 answers: ${failures}`);
  console.log(
    `runs created: ${launches} for ${runsByCommand.size} distinct commands; duplicates: ${duplicates}`,
  );
  await chat.close(100);
  await fake.close();
  if (launches !== COMMANDS || duplicates > 0 || failures > 0) process.exitCode = 1;
}

function runSender(
  env: NodeJS.ProcessEnv,
  port: number | undefined,
  fake: FakeSlackApi,
): Promise<SenderResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
      env: { ...env, ACK_BENCH_PORT: String(port), ACK_BENCH_RESPONSE_URL: fake.responseUrl('cmd-') },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`sender exited ${code}`)),
    );
  });
}

/** The smallest histogram bucket holding 99 % of the acks the receiver timed itself. */
async function serverAckP99(metrics: MetricsRegistry): Promise<string> {
  const buckets = (await metrics.render())
    .split('\n')
    .map((l) => l.match(/^trainyard_slack_ack_seconds_bucket\{le="([^"]+)"\} (\d+)/))
    .filter((m): m is RegExpMatchArray => m !== null)
    .map((m) => ({ le: m[1], count: Number(m[2]) }));
  const total = buckets.at(-1)?.count ?? 0;
  return buckets.find((b) => b.count >= 0.99 * total)?.le ?? '?';
}

if (process.env.ACK_BENCH_PORT) {
  await sender(Number(process.env.ACK_BENCH_PORT), process.env.ACK_BENCH_RESPONSE_URL ?? '');
} else {
  await receiver();
}

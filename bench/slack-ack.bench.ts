/**
 * 200 signed /train slash commands, 50 in flight at a time, sent to the real Bolt HTTPReceiver
 * (createSlackChat in HTTP mode). Each command is also re-sent as a Slack retry
 * (X-Slack-Retry-Num: 1). Figures: ack latency as the sender sees it (request sent → HTTP 200)
 * and how many launches the handlers saw (must be exactly one per command).
 *
 * The handlers stand in for the orchestrator: each launch records a run keyed by the delivery,
 * so a duplicate launch would show up as a second run for the same command.
 */
import { Agent, request } from 'node:http';
import { createSlackChat } from '../src/chat/slack/create-slack-app.ts';
import { loadConfig } from '../src/config/env.ts';
import { silentLogger } from '../src/log.ts';
import type { ChatHandlers, Requester } from '../src/ports/chat.ts';
import { MetricsRegistry } from '../src/server/metrics.ts';
import { FakeSlackApi } from '../test/fakes/slack-api.ts';
import { signedRequest, slashCommand } from '../test/fakes/slack-requests.ts';

const COMMANDS = Number(process.env.COMMANDS ?? 200);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 50);
const SECRET = 'bench-signing-secret';

const runsByCommand = new Map<string, number>();
let launches = 0;
const handlers: ChatHandlers = {
  async command(text: string, _from: Requester, key?: string) {
    launches++;
    runsByCommand.set(text, (runsByCommand.get(text) ?? 0) + 1);
    void key;
  },
  async action() {},
};

const fake = await FakeSlackApi.start({ token: 'xoxb-bench' });
const config = loadConfig({
  SLACK_BOT_TOKEN: 'xoxb-bench',
  SLACK_SIGNING_SECRET: SECRET,
  SLACK_API_URL: fake.apiUrl,
  PORT: '0',
});
const chat = await createSlackChat({
  config,
  log: silentLogger,
  metrics: new MetricsRegistry(),
  handlers,
  host: '127.0.0.1',
});
await chat.start();
const port = chat.listeningPort;
// A plain keep-alive agent: the sender should cost as little CPU as possible, since it shares the process.
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function post(form: Record<string, string>, retryNum?: number): Promise<number> {
  const { body, headers } = signedRequest(form, { secret: SECRET, retryNum });
  return new Promise((resolve, reject) => {
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
}

const latencies: number[] = [];
let failures = 0;
async function send(i: number, retryNum?: number): Promise<void> {
  const form = slashCommand(`demo epochs=2 seed=${i}`, {
    user: `U${i % 13}`,
    triggerId: `trigger-${i}`,
    responseUrl: fake.responseUrl(`r${i}`),
  });
  const t0 = performance.now();
  const status = await post(form, retryNum);
  if (retryNum === undefined) latencies.push(performance.now() - t0);
  if (status !== 200) failures++;
}

// Warm-up (JIT, first connections) with other trigger ids, then reset the figures.
for (let i = 0; i < 20; i++) await send(COMMANDS + i);
latencies.length = 0;
launches = 0;
runsByCommand.clear();

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
const elapsed = performance.now() - started;
await new Promise((resolve) => setTimeout(resolve, 200)); // let the last handler calls run

const sorted = [...latencies].sort((a, b) => a - b);
const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const duplicates = [...runsByCommand.values()].filter((n) => n > 1).length;
console.log(
  `${COMMANDS} commands (+${COMMANDS} retries), ${CONCURRENCY} at a time, in ${(elapsed / 1000).toFixed(2)} s`,
);
console.log(
  `ack latency p50 ${pct(50).toFixed(1)} ms, p99 ${pct(99).toFixed(1)} ms, max ${sorted.at(-1)?.toFixed(1)} ms (Slack allows 3000 ms)`,
);
console.log(`non-200 answers: ${failures}`);
console.log(
  `runs created: ${launches} for ${runsByCommand.size} distinct commands; duplicates: ${duplicates}`,
);

agent.destroy();
await chat.close(100);
await fake.close();
if (launches !== COMMANDS || duplicates > 0 || failures > 0) process.exitCode = 1;

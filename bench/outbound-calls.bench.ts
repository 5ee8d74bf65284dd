/**
 * CPU per outbound call, the two kinds every launch makes (issue 11), each next to the bare HTTP
 * call it wraps, measured in the same run and interleaved:
 *   Slack chat.postMessage — the WebClient (as before) against the lean transport (undici.request on
 *     a keep-alive pool, behind the same WebClient interface); baseline a bare undici.request.
 *   Kubernetes Job create — client-node as it comes (node-fetch, a new agent and connection per
 *     call) against KubeApi (client-node on the keep-alive transport); baseline a bare
 *     http.request JSON POST on a keep-alive agent.
 * The fakes run in another process (bench/burst-fakes-worker.ts), so this process's CPU
 * (process.cpuUsage) is the client's alone. Calls go 1 at a time and 16 at a time (the outbound
 * queue's most in flight). Env: CALLS (1000), ROUNDS (5).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { BatchV1Api, KubeConfig, type V1Job } from '@kubernetes/client-node';
import { Agent, request } from 'undici';
import { LeanTransport } from '../src/adapters/chat/slack/lean-transport.ts';
import { createWebClient } from '../src/adapters/chat/slack/web-client.ts';
import { MetricsRegistry } from '../src/adapters/http/metrics.ts';
import { KubeApi } from '../src/adapters/runtimes/kubernetes/kube-api.ts';
import { silentLogger } from '../src/shared/log.ts';
import type { FakesAddress, FakesCounts, FakesRequest } from './burst-fakes-worker.ts';
import { FAKE_TOKEN } from './burst-fakes-worker.ts';
import { loadAverage, spread } from './burst-support.ts';

const CALLS = Number(process.env.CALLS ?? 1000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);

const fakes: ChildProcess = fork(join(import.meta.dirname, 'burst-fakes-worker.ts'), [], {
  execArgv: ['--import', 'tsx'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const reply = <T>(msg?: FakesRequest) =>
  new Promise<T>((resolve) => {
    fakes.once('message', (m) => resolve(m as T));
    if (msg) fakes.send(msg);
  });
await reply();
const at = await reply<FakesAddress>({ op: 'reset' });

// --- the clients --------------------------------------------------------------------------------

const message = {
  channel: 'C1',
  text: 'Run #1 demo is pending',
  blocks: [
    { type: 'header', text: { type: 'plain_text', text: '⏳ #1 demo — pending' } },
    { type: 'section', text: { type: 'mrkdwn', text: '*Params* `epochs=1 lr=0.1`' } },
  ],
};
const webClient = createWebClient(FAKE_TOKEN, at.slackApiUrl);
const lean = new LeanTransport(FAKE_TOKEN, at.slackApiUrl, silentLogger);
const leanClient = createWebClient(FAKE_TOKEN, at.slackApiUrl, undefined, lean);
const pool = new Agent({ connections: 16 });
const form = new URLSearchParams({
  channel: message.channel,
  text: message.text,
  blocks: JSON.stringify(message.blocks),
}).toString();

const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(at.kubeconfig);
const clientNode = kubeConfig.makeApiClient(BatchV1Api);
const kubeApi = new KubeApi(kubeConfig, new MetricsRegistry());
const server = kubeConfig.getCurrentCluster()?.server ?? '';
const keepAlive = new HttpAgent({ keepAlive: true, maxSockets: 16 });
let jobs = 0;
const job = (): V1Job => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: `calls-${++jobs}`, labels: { 'app.kubernetes.io/managed-by': 'bench' } },
  spec: {
    backoffLimit: 0,
    template: {
      metadata: { labels: { 'app.kubernetes.io/managed-by': 'bench' } },
      spec: {
        restartPolicy: 'Never',
        containers: [{ name: 'main', image: 'registry.example/demo:1', args: ['--epochs', '1'] }],
      },
    },
  },
});

function bareKubePost(): Promise<void> {
  const body = JSON.stringify(job());
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${server}/apis/batch/v1/namespaces/bench/jobs`,
      {
        method: 'POST',
        agent: keepAlive,
        headers: {
          'content-type': 'application/json',
          authorization: 'Bearer fake-token',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          JSON.parse(Buffer.concat(chunks).toString('utf8'));
          resolve();
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const calls: Record<string, () => Promise<unknown>> = {
  'Slack: WebClient (before)': () => webClient.chat.postMessage(message),
  'Slack: lean transport (now)': () => leanClient.chat.postMessage(message),
  'Slack: bare undici.request (baseline)': async () => {
    const res = await request(`${at.slackApiUrl}chat.postMessage`, {
      method: 'POST',
      dispatcher: pool,
      headers: { authorization: `Bearer ${FAKE_TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    return res.body.json();
  },
  'Kubernetes: client-node as it comes (before)': () =>
    clientNode.createNamespacedJob({ namespace: 'bench', body: job() }),
  'Kubernetes: KubeApi on the keep-alive transport (now)': () => kubeApi.createJob('bench', job()),
  'Kubernetes: bare http.request keep-alive (baseline)': bareKubePost,
};

// --- the run ------------------------------------------------------------------------------------

async function cpuPerCall(call: () => Promise<unknown>, inFlight: number): Promise<number> {
  const before = await reply<FakesCounts>({ op: 'counts' });
  const c0 = process.cpuUsage();
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < CALLS) await call();
    }),
  );
  const c = process.cpuUsage(c0);
  const after = await reply<FakesCounts>({ op: 'counts' });
  connections.set(call, (connections.get(call) ?? 0) + after.kubeConnections - before.kubeConnections);
  return (c.user + c.system) / 1000 / CALLS;
}
const connections = new Map<() => Promise<unknown>, number>();

console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model}, Node ${process.versions.node}; load average ${loadAverage()}`,
);
// Warm-up: JIT and connections.
for (const call of Object.values(calls)) for (let i = 0; i < 200; i++) await call();
const figures = new Map<string, number[]>();
for (let round = 0; round < ROUNDS; round++) {
  for (const inFlight of [1, 16]) {
    for (const [name, call] of Object.entries(calls)) {
      const key = `${name}|${inFlight}`;
      figures.set(key, [...(figures.get(key) ?? []), await cpuPerCall(call, inFlight)]);
    }
  }
}
console.log(`load average after: ${loadAverage()}`);
console.log(`\n${CALLS} calls per round, ${ROUNDS} rounds; client CPU per call in ms, min / median / max`);
console.log('| call | 1 at a time | 16 at a time | Kubernetes connections opened (all rounds) |');
console.log('|---|---|---|---|');
for (const [name, call] of Object.entries(calls)) {
  const one = figures.get(`${name}|1`) ?? [];
  const sixteen = figures.get(`${name}|16`) ?? [];
  const opened = name.startsWith('Kubernetes') ? String(connections.get(call) ?? 0) : '—';
  console.log(`| ${name} | ${spread(one, 3)} | ${spread(sixteen, 3)} | ${opened} |`);
}
await lean.close();
await pool.close();
keepAlive.destroy();
kubeApi.close();
fakes.send({ op: 'close' } satisfies FakesRequest);

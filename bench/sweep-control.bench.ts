/**
 * Control overhead of a sweep (issue 12): a 200-trial sweep, --parallel 50, with median early
 * stopping, through the whole hub — the Kubernetes runtime against the loopback fake API server
 * (whose pods print nine epochs of a training log and exit) and the real Slack adapter (outbound
 * queue and Web API client) against the fake Slack API. Counts what the cluster and Slack were
 * asked for, against the budgets:
 *   Kubernetes per trial ≤ 1 create (+ 1 delete if stopped) + the shared watches;
 *   Slack for the whole sweep ≤ 2 + ⌈duration / 5 s⌉ + notice.
 * Run with `node scripts/run-bench.mjs sweep-control`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { OutboundQueue } from '../src/adapters/chat/slack/OutboundQueue.ts';
import { CARD_UPDATE_INTERVAL_MS, SlackChat } from '../src/adapters/chat/slack/SlackChat.ts';
import { createWebClient } from '../src/adapters/chat/slack/web-client.ts';
import { MetricsRegistry } from '../src/adapters/http/metrics.ts';
import { createKubernetesRuntime } from '../src/adapters/runtimes/kubernetes/create-kubernetes-runtime.ts';
import { FileLogArchive } from '../src/adapters/store/FileLogArchive.ts';
import { FileStore } from '../src/adapters/store/FileStore.ts';
import { createTemplateSource } from '../src/adapters/templates/template-source.ts';
import { loadConfig } from '../src/config/env.ts';
import { createPolicy, OPEN_POLICY } from '../src/config/policy.ts';
import { Hub } from '../src/services/Hub.ts';
import { silentLogger } from '../src/shared/log.ts';
import { FakeKubeApiServer } from '../test/support/kube-api-server.ts';
import { FakeSlackApi } from '../test/support/slack-api.ts';
import { SWEEP_TEMPLATES, trainingScript } from '../test/support/sweep-pods.ts';
import { machineLine } from './sweep-support.ts';

const TRIALS = Number(process.env.TRIALS ?? 200);
const PARALLEL = Number(process.env.PARALLEL ?? 50);
const LINE_MS = Number(process.env.LINE_MS ?? 250);
const TOKEN = 'xoxb-bench';
const CHANNEL = 'CBENCH';

console.log(`machine: ${machineLine()}`);
const kube = await FakeKubeApiServer.start();
kube.playPods = (_pod, job) => trainingScript(job, { lineMs: LINE_MS });
const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(kube.writeKubeconfig({ namespace: 'bench' }));
const slack = await FakeSlackApi.start({ token: TOKEN });
const data = mkdtempSync(join(tmpdir(), 'trainyard-sweep-bench-'));
const store = await FileStore.open(data);
const metrics = new MetricsRegistry();
const runtime = createKubernetesRuntime({ config: loadConfig({}), log: silentLogger, metrics, kubeConfig });
const chat = new SlackChat({
  web: createWebClient(TOKEN, slack.apiUrl),
  queue: new OutboundQueue({ log: silentLogger }),
  log: silentLogger,
});
const hub = new Hub({
  store,
  templates: createTemplateSource(SWEEP_TEMPLATES),
  runtime,
  chat,
  policy: createPolicy(OPEN_POLICY),
  logs: new FileLogArchive(data),
  log: silentLogger,
  metrics,
  schedules: { timezone: 'UTC', minIntervalSeconds: 60 },
});
await hub.start();
await hub.whenResumed();
const requestsAtStart = kube.requests.length;

const cpu = process.cpuUsage();
const started = Date.now();
const outcome = await hub.door.command(
  `sweep train lr=loguniform(1e-4,10) epochs=9 --algo random --trials ${TRIALS} --parallel ${PARALLEL} --early-stop median --seed 7`,
  { user: 'UBENCH', channel: CHANNEL },
);
// The only sweep of this store.
const sweepId = outcome.groups?.length ? store.sweeps.list()[0]?.id : undefined;
if (!sweepId) throw new Error(`the sweep was refused: ${JSON.stringify(outcome.reply)}`);
let most = 0;
hub.runs.onRunChanged(() => {
  most = Math.max(most, store.listRuns({ active: true }).length);
});
const sweep = await hub.sweeps.whenEnded(sweepId);
const tookS = (Date.now() - started) / 1000;
const used = process.cpuUsage(cpu);
await chat.flush();

const requests = kube.requests.slice(requestsAtStart);
const isLog = (path: string) => path.endsWith('/log');
const creates = requests.filter((r) => r.method === 'POST').length;
const deletes = requests.filter((r) => r.method === 'DELETE').length;
const watches = requests.filter((r) => r.query.get('watch') === 'true').length;
const lists = requests.filter(
  (r) => r.method === 'GET' && r.query.get('watch') !== 'true' && !isLog(r.path),
).length;
const logStreams = requests.filter((r) => r.method === 'GET' && isLog(r.path)).length;
const stopped = sweep.trials.filter((t) => t.state === 'stopped').length;
const stoppedEarly = sweep.trials.filter((t) => t.stoppedEarly).length;
// A trial asked to stop may finish before its Job is deleted: it ends succeeded, with its delete.
const stopAsked = sweep.trials.filter((t) => t.stopRequested).length;

const inChannel = slack.calls.filter((c) => c.args.channel === CHANNEL || c.args.channel_id === CHANNEL);
const posts = inChannel.filter((c) => c.method === 'chat.postMessage');
const cards = posts.filter((c) => !c.args.thread_ts).length;
const notices = posts.filter((c) => c.args.reply_broadcast === 'true').length;
const updates = inChannel.filter((c) => c.method === 'chat.update').length;
const interval = CARD_UPDATE_INTERVAL_MS / 1000;
const budget = 2 + Math.ceil(tookS / interval) + 1;

console.log(
  `\nsweep of ${TRIALS} trials, --parallel ${PARALLEL}, median stopping: ${sweep.state} in ${tookS.toFixed(1)} s; ${stopped} stopped (${stoppedEarly} early); at most ${most} runs going at once`,
);
console.log('Kubernetes requests during the sweep');
console.log(`  creates      ${creates}  (${(creates / TRIALS).toFixed(2)} per trial; budget 1)`);
console.log(
  `  deletes      ${deletes}  (${(deletes / Math.max(1, stopAsked)).toFixed(2)} per trial asked to stop: ${stopAsked}, of which ${stopped} ended stopped and the rest finished first; budget 1)`,
);
console.log(`  watches      ${watches}, lists ${lists}  (shared by every trial)`);
console.log(
  `  log streams  ${logStreams}  (${(logStreams / TRIALS).toFixed(2)} per trial: one follow per pod)`,
);
console.log(`  total        ${requests.length}  (${(requests.length / TRIALS).toFixed(2)} per trial)`);
console.log('Slack Web API calls for the whole sweep');
console.log(
  `  ${cards + updates + notices + (posts.length - cards - notices)} = card ${cards} + updates ${updates} + notice ${notices} + other ${posts.length - cards - notices}; budget 2 + ⌈${tookS.toFixed(1)} / ${interval}⌉ + 1 = ${budget} (${((cards + updates + notices) / budget).toFixed(2)} of it)`,
);
console.log(
  `CPU of this process (hub, fake API server and fake Slack together): ${((used.user + used.system) / 1000).toFixed(0)} ms, ${((used.user + used.system) / 1000 / TRIALS).toFixed(1)} ms per trial`,
);
const perRun = new Map<string, number[]>();
for (const r of requests.filter((q) => q.method === 'DELETE')) {
  const key = r.query.get('labelSelector') ?? r.path;
  perRun.set(key, [...(perRun.get(key) ?? []), r.status]);
}
const repeated = [...perRun].filter(([, statuses]) => statuses.length > 1);
if (repeated.length) console.log(`  deletes repeated for ${repeated.length} runs:`, repeated.slice(0, 5));
console.log(`machine after: ${machineLine()}`);

await hub.close();
await store.close();
await kube.close();
await slack.close();
rmSync(data, { recursive: true, force: true });

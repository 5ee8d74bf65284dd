// The baselines of the burst benchmark (bench/burst.bench.ts): a bare Bolt 5.1 app over HTTP, as
// anyone would write it from Bolt's README, doing per /train command only what BASELINE says:
//   ack     — acks, nothing else
//   create  — acks, then creates one Job with @kubernetes/client-node (a Job like Trainyard's)
//   post    — acks, creates the Job, then posts one chat.postMessage (a card-sized message)
// Plain JS, no Trainyard code. Serves /healthz, and /eld: the event-loop delay p99 since the last
// /eld (perf_hooks at 10 ms resolution, as prom-client's nodejs_eventloop_lag_p99_seconds).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { App, HTTPReceiver } from '@slack/bolt';

const mode = process.env.BASELINE ?? 'ack';
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

const receiver = new HTTPReceiver({
  signingSecret: process.env.SLACK_SIGNING_SECRET,
  customRoutes: [
    { path: '/healthz', method: ['GET'], handler: (_req, res) => res.writeHead(200).end('ok') },
    {
      path: '/eld',
      method: ['GET'],
      handler: (_req, res) => {
        const p99Seconds = loop.percentile(99) / 1e9;
        loop.reset();
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ p99Seconds }));
      },
    },
  ],
});
const botToken = process.env.SLACK_BOT_TOKEN;
const app = new App({
  receiver,
  // A fixed token, as Trainyard has: with `token` and tokenVerificationEnabled: false, Bolt 5.1
  // calls auth.test on every delivery (its cache is overwritten each time).
  authorize: async () => ({ botToken }),
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
});

let batch;
if (mode !== 'ack') {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromDefault();
  batch = kc.makeApiClient(k8s.BatchV1Api);
}

let seq = 0;
/** A Job the size of the one Trainyard renders for `demo epochs=1`. */
function jobFor(command) {
  const n = ++seq;
  const labels = {
    'app.kubernetes.io/managed-by': 'burst-baseline',
    'trainyard.io/run': `r-baseline${n}`,
    'trainyard.io/template': 'demo',
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: `demo-${n}-base`,
      namespace: 'bench',
      labels,
      annotations: {
        'trainyard.io/launched-by': command.user_id,
        'trainyard.io/channel': command.channel_id,
        'trainyard.io/params': JSON.stringify({ epochs: 1, lr: 0.1, epoch_seconds: 0.4 }),
      },
    },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: 3600,
      ttlSecondsAfterFinished: 86400,
      template: {
        metadata: { labels: { ...labels } },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'main',
              image: 'registry.example/trainyard/demo:0123456789ab',
              command: ['node', 'train.mjs'],
              args: ['--epochs', '1', '--lr', '0.1', '--epoch-seconds', '0.4'],
              env: [{ name: 'TRAINYARD_RUN', value: `r-baseline${n}` }],
              resources: {
                requests: { cpu: '250m', memory: '128Mi' },
                limits: { cpu: '250m', memory: '128Mi' },
              },
            },
          ],
        },
      },
    },
  };
}

/** A message the size of a run card: a header, a few fields and a context line. */
function cardFor(command, n) {
  return {
    channel: command.channel_id,
    text: `Run #${n} demo is pending`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: `⏳ #${n} demo — pending` } },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Launched by*\n<@${command.user_id}>` },
          { type: 'mrkdwn', text: '*Params*\n`epochs=1 lr=0.1 epoch_seconds=0.4`' },
        ],
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'waiting to start · 0s' }] },
    ],
  };
}

app.command('/train', async ({ command, ack, client }) => {
  await ack();
  if (!batch) return;
  try {
    const job = jobFor(command);
    await batch.createNamespacedJob({ namespace: 'bench', body: job });
    if (mode === 'post') await client.chat.postMessage(cardFor(command, seq));
  } catch (err) {
    console.error(JSON.stringify({ msg: 'baseline work failed', err: String(err) }));
  }
});

const server = await app.start({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
console.error(JSON.stringify({ msg: 'listening', port: server.address().port }));
process.on('SIGTERM', () => app.stop().then(() => process.exit(0)));

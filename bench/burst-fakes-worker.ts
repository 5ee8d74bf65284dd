/**
 * The loopback fakes of the burst benchmark — the fake Slack Web API and the fake Kubernetes API
 * server — in a process of their own, so their CPU is neither the bot's nor the sender's. Driven
 * over IPC by bench/burst.bench.ts: `reset` starts fresh fakes (a new bot meets an empty cluster),
 * `counts` says what they have seen, `close` ends the process.
 */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { FakeKubeApiServer } from '../test/support/kube-api-server.ts';
import { FakeSlackApi } from '../test/support/slack-api.ts';

export const FAKE_TOKEN = 'xoxb-burst-bench';

export type FakesRequest = { op: 'reset' } | { op: 'counts' } | { op: 'close' };

export interface FakesAddress {
  slackApiUrl: string;
  /** A response_url base; the sender appends a number. */
  responseUrl: string;
  kubeconfig: string;
}

export interface FakesCounts {
  jobsCreated: number;
  /** chat.postMessage outside a thread: run cards (Trainyard) or the baseline's one message. */
  cards: number;
  slackCalls: Record<string, number>;
  /** TCP connections the fake Kubernetes API accepted since the reset. */
  kubeConnections: number;
  kubeRequests: number;
  /** Milliseconds since either fake last saw a request (Number.MAX_SAFE_INTEGER: none yet). */
  quietMs: number;
}

let slack: FakeSlackApi | undefined;
let kube: FakeKubeApiServer | undefined;
let kubeconfig: string | undefined;

async function closeFakes(): Promise<void> {
  await slack?.close();
  await kube?.close();
  if (kubeconfig) rmSync(dirname(kubeconfig), { recursive: true, force: true });
  slack = kube = kubeconfig = undefined;
}

async function reset(): Promise<FakesAddress> {
  await closeFakes();
  slack = await FakeSlackApi.start({ token: FAKE_TOKEN });
  kube = await FakeKubeApiServer.start();
  kubeconfig = kube.writeKubeconfig({ namespace: 'bench' });
  return { slackApiUrl: slack.apiUrl, responseUrl: slack.responseUrl('cmd-'), kubeconfig };
}

function counts(): FakesCounts {
  const calls = slack?.calls ?? [];
  const requests = kube?.requests ?? [];
  const slackCalls: Record<string, number> = {};
  for (const c of calls) slackCalls[c.method] = (slackCalls[c.method] ?? 0) + 1;
  const last = Math.max(calls.at(-1)?.at ?? 0, kube?.lastRequestAt ?? 0);
  return {
    jobsCreated: requests.filter((r) => r.method === 'POST' && r.path.endsWith('/jobs')).length,
    cards: calls.filter((c) => c.method === 'chat.postMessage' && !c.args.thread_ts).length,
    slackCalls,
    kubeConnections: kube?.connectionsAccepted ?? 0,
    kubeRequests: requests.length,
    // JSON over IPC has no Infinity: "never" is the largest safe number.
    quietMs: last ? Date.now() - last : Number.MAX_SAFE_INTEGER,
  };
}

process.on('message', async (msg: FakesRequest) => {
  switch (msg.op) {
    case 'reset':
      process.send?.(await reset());
      break;
    case 'counts':
      process.send?.(counts());
      break;
    case 'close':
      await closeFakes();
      process.disconnect();
      break;
  }
});
process.send?.({ ready: true });

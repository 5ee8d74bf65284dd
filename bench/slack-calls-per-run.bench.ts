/**
 * Slack calls one run costs when Slack is not congested: a few runs of different lengths
 * report progress every 100 ms; each posts its card, gets coalesced updates (at most one per
 * CARD_UPDATE_INTERVAL_MS), a final update, a completion notice and its log upload.
 * Budget to meet: ≤ 2 + ⌈duration / update interval⌉ + notices (notice + upload).
 */
import { OutboundQueue } from '../src/adapters/chat/slack/OutboundQueue.ts';
import { CARD_UPDATE_INTERVAL_MS, SlackChat } from '../src/adapters/chat/slack/SlackChat.ts';
import { createWebClient } from '../src/adapters/chat/slack/web-client.ts';
import type { Run } from '../src/core/run/run.ts';
import { silentLogger } from '../src/shared/log.ts';
import { makeRun } from '../test/support/make-run.ts';
import { FakeSlackApi } from '../test/support/slack-api.ts';

const DURATIONS_S = (process.env.DURATIONS_S ?? '10,30,60').split(',').map(Number);
const PROGRESS_MS = 100;
const TOKEN = 'xoxb-bench';

const fake = await FakeSlackApi.start({ token: TOKEN });
const web = createWebClient(TOKEN, fake.apiUrl);
const chat = new SlackChat({ web, queue: new OutboundQueue({ log: silentLogger }), log: silentLogger });

function run(i: number): Run {
  const now = new Date().toISOString();
  return makeRun({
    id: `r-calls${i}`,
    number: i + 1,
    state: 'running',
    channel: `C${i}`,
    createdAt: now,
    startedAt: now,
  });
}

const results = await Promise.all(
  DURATIONS_S.map(async (seconds, i) => {
    const r = run(i);
    r.card = await chat.postRunCard(r);
    const started = Date.now();
    for (let t = 0; t < seconds * 1000; t += PROGRESS_MS) {
      await new Promise((resolve) => setTimeout(resolve, PROGRESS_MS));
      chat.updateRunCard({ ...r, progress: { current: Math.floor(t / 1000), total: seconds, unit: 'step' } });
    }
    const tookMs = Date.now() - started;
    const ended: Run = { ...r, state: 'succeeded', endedAt: new Date().toISOString() };
    chat.updateRunCard(ended);
    await chat.postNotice(ended, []);
    await chat.uploadFile(ended, 'run.log', 'line\n'.repeat(1000), 'log');
    return { channel: r.channel, seconds, ts: r.card?.ts, tookMs };
  }),
);
await chat.flush();

const interval = CARD_UPDATE_INTERVAL_MS / 1000;
for (const { channel, seconds, ts, tookMs } of results) {
  const calls = fake.calls.filter((c) => c.args.channel === channel || c.args.channel_id === channel);
  const posts = calls.filter((c) => c.method === 'chat.postMessage').length;
  const updates = calls.filter((c) => c.method === 'chat.update' && c.args.ts === ts).length;
  const completes = calls.filter((c) => c.method === 'files.completeUploadExternal').length;
  // Each upload is files.getUploadURLExternal + the upload itself + files.completeUploadExternal.
  const apiCalls = posts + updates + completes * 2;
  // The budget counts the run's real length: timers stretch a little on a busy machine.
  const took = tookMs / 1000;
  const budget = 2 + Math.ceil(took / interval) + 1 + 2;
  console.log(
    `${seconds} s run: ${apiCalls} Web API calls (card 1, updates ${updates}, notice 1, upload ${completes * 2}); took ${took.toFixed(1)} s; budget 2 + ⌈${took.toFixed(1)}/${interval}⌉ + notices(1 + 2) = ${budget}; progress reports ${seconds * 10}`,
  );
}
await chat.close(0);
await fake.close();

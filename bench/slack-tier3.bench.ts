/**
 * Many runs reporting progress against a fake Slack that enforces Slack's budgets (chat.update
 * Tier 3 = 50/min per workspace, chat.postMessage ≈ 1/s per channel). Drives SlackChat and its
 * queue directly with synthetic runs: each run posts its card, reports progress every
 * PROGRESS_MS, ends, and gets its final card update and completion notice.
 *
 * Two scenarios (SCENARIO=together|spread|both, default both):
 * - together: every run lasts DURATION_S and they all end within the same second.
 * - spread: run i lasts DURATION_S + i * SPREAD_MS, so runs end at about the Tier 3 rate.
 * Figures: 429s (after the first), delivery latency of final cards and notices after each
 * run ended, Slack calls per run.
 */
import { OutboundQueue } from '../src/adapters/chat/slack/OutboundQueue.ts';
import { SlackChat } from '../src/adapters/chat/slack/SlackChat.ts';
import { createWebClient } from '../src/adapters/chat/slack/web-client.ts';
import type { Run } from '../src/core/run/run.ts';
import { silentLogger } from '../src/shared/log.ts';
import { makeRun } from '../test/support/make-run.ts';
import { FakeSlackApi } from '../test/support/slack-api.ts';

const RUNS = Number(process.env.RUNS ?? 200);
const CHANNELS = Number(process.env.CHANNELS ?? 20);
const DURATION_S = Number(process.env.DURATION_S ?? 120);
const PROGRESS_MS = Number(process.env.PROGRESS_MS ?? 100);
const SPREAD_MS = Number(process.env.SPREAD_MS ?? 1250);
const SCENARIO = process.env.SCENARIO ?? 'both';
const TOKEN = 'xoxb-bench';

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : Number.NaN;
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function syntheticRun(i: number): Run {
  return makeRun(
    {
      id: `r-bench${String(i).padStart(5, '0')}`,
      number: i + 1,
      state: 'running',
      launchedBy: `U${i % 17}`,
      channel: `C${i % CHANNELS}`,
      createdAt: new Date().toISOString(),
      startedAt: new Date().toISOString(),
      placement: { handle: `demo-${i + 1}-bench`, namespace: 'ml' },
      progress: { current: 0, total: 100, unit: 'epoch' },
    },
    { params: { epochs: 100, lr: 0.01 }, image: 'python:3.12-slim', command: ['python', 'train.py'] },
  );
}

async function scenario(name: string, durationOf: (i: number) => number): Promise<void> {
  const fake = await FakeSlackApi.start({
    token: TOKEN,
    limits: {
      'chat.update': { limit: 50, windowMs: 60_000, scope: 'workspace' },
      'chat.postMessage': { limit: 60, windowMs: 60_000, scope: 'channel' },
    },
  });
  const web = createWebClient(TOKEN, fake.apiUrl);
  const chat = new SlackChat({ web, queue: new OutboundQueue({ log: silentLogger }), log: silentLogger });
  const endedAt = new Map<string, number>();
  const started = Date.now();

  await Promise.all(
    Array.from({ length: RUNS }, async (_, i) => {
      const run = syntheticRun(i);
      run.card = await chat.postRunCard(run);
      const ends = Date.now() + durationOf(i);
      await new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          if (Date.now() >= ends) {
            clearInterval(timer);
            resolve();
            return;
          }
          const current = Math.min(99, Math.floor(((Date.now() - started) / durationOf(i)) * 100));
          const snapshot = {
            ...run,
            progress: { current, total: 100, unit: 'epoch' },
            metrics: { loss: 1 / (current + 1) },
          };
          chat.updateRunCard(snapshot);
        }, PROGRESS_MS);
      });
      const final: Run = {
        ...run,
        state: 'succeeded',
        endedAt: new Date().toISOString(),
        progress: { current: 100, total: 100, unit: 'epoch' },
      };
      endedAt.set(run.card?.ts ?? run.id, Date.now());
      chat.updateRunCard(final);
      await chat.postNotice(final, []);
    }),
  );
  await chat.flush();
  const lastDelivery = Date.now();

  const finalLatency: number[] = [];
  const noticeLatency: number[] = [];
  for (const call of fake.calls) {
    const ts = String(call.args.ts ?? call.args.thread_ts ?? '');
    const end = endedAt.get(ts);
    if (end === undefined) continue;
    if (call.method === 'chat.update' && String(call.args.text).includes('Succeeded'))
      finalLatency.push(call.at - end);
    if (call.method === 'chat.postMessage' && call.args.thread_ts) noticeLatency.push(call.at - end);
  }
  const perRun = fake.calls.filter((c) => c.method.startsWith('chat.')).length / RUNS;
  const total429 = [...fake.rateLimited.values()].reduce((a, b) => a + b, 0);
  const over5s = [...finalLatency, ...noticeLatency].filter((ms) => ms > 5000).length;
  console.log(
    `\n--- scenario ${name}: ${RUNS} runs in ${CHANNELS} channels, progress every ${PROGRESS_MS} ms`,
  );
  console.log(`wall time                      ${seconds(lastDelivery - started)}`);
  console.log(`429 answers                    ${total429} (after the first: ${Math.max(0, total429 - 1)})`);
  console.log(`final cards delivered          ${finalLatency.length}/${RUNS}`);
  console.log(`notices delivered              ${noticeLatency.length}/${RUNS}`);
  console.log(
    `final card latency p50/p99/max ${seconds(percentile(finalLatency, 50))} / ${seconds(percentile(finalLatency, 99))} / ${seconds(Math.max(...finalLatency))}`,
  );
  console.log(
    `notice latency p50/p99/max     ${seconds(percentile(noticeLatency, 50))} / ${seconds(percentile(noticeLatency, 99))} / ${seconds(Math.max(...noticeLatency))}`,
  );
  console.log(`deliveries later than 5 s      ${over5s}`);
  console.log(
    `chat.* calls per run           ${perRun.toFixed(2)} (progress reports per run: ${Math.round((DURATION_S * 1000) / PROGRESS_MS)})`,
  );
  await chat.close(0);
  await fake.close();
}

if (SCENARIO === 'together' || SCENARIO === 'both') await scenario('together', () => DURATION_S * 1000);
if (SCENARIO === 'spread' || SCENARIO === 'both')
  await scenario('spread', (i) => DURATION_S * 1000 + i * SPREAD_MS);

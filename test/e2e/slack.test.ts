import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseMetrics } from '../support/prometheus-text.ts';
import { FakeSlackApi, type RecordedCall } from '../support/slack-api.ts';
import { buttonPress, sendSigned, slashCommand } from '../support/slack-requests.ts';

const SECRET = 'e2e-signing-secret';
const TOKEN = 'xoxb-test';
const ROOT = new URL('../..', import.meta.url).pathname;

/**
 * The real `trainyard start`, configured through its environment the way an operator would,
 * driven the way Slack drives it: signed requests in, Web API calls out to the fake.
 */
describe('trainyard start with Slack (end to end)', { timeout: 90_000 }, () => {
  let fake: FakeSlackApi;
  let data: string;
  let app: ChildProcess;
  let events: string;
  let stderr = '';

  before(async () => {
    fake = await FakeSlackApi.start({ token: TOKEN });
    data = await mkdtemp(join(tmpdir(), 'trainyard-e2e-slack-'));
    app = spawn(process.execPath, ['bin/trainyard.mjs', 'start'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        SLACK_BOT_TOKEN: TOKEN,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: fake.apiUrl,
        // PORT=0: the bot takes a free port and logs it, so no other test can take it first.
        PORT: '0',
        HOST: '127.0.0.1',
        TRAINYARD_RUNTIME: 'process',
        TRAINYARD_DATA: data,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    app.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // Ready once the Slack receiver logs that it listens (the log is JSON lines on stderr).
    const port = await new Promise<string>((resolve, reject) => {
      const check = () => {
        const listening = /"msg":"slack listening for events".*?"port":(\d+)/.exec(stderr);
        if (listening) resolve(listening[1]);
      };
      app.stderr?.on('data', check);
      app.once('exit', () => reject(new Error(`trainyard start exited early:\n${stderr}`)));
      check();
    });
    events = `http://127.0.0.1:${port}/slack/events`;
  });

  after(async () => {
    if (app.exitCode === null) {
      const exited = new Promise((resolve) => app.once('exit', resolve));
      app.kill('SIGTERM');
      await exited;
    }
    await fake.close();
    await rm(data, { recursive: true, force: true });
  });

  const card = (c: RecordedCall) => c.method === 'chat.postMessage' && !c.args.thread_ts;
  const notice = (c: RecordedCall) => c.method === 'chat.postMessage' && c.args.reply_broadcast === 'true';

  it('/train demo epochs=2 posts a card, updates it, mentions the launcher at the end and uploads the log', async () => {
    const res = await sendSigned(
      events,
      slashCommand('demo epochs=2 epoch_seconds=0.2', {
        user: 'U42',
        channel: 'CE2E',
        triggerId: 'e2e-1',
        responseUrl: fake.responseUrl(),
      }),
      { secret: SECRET },
    );
    assert.equal(res.status, 200);

    await fake.waitFor(() => fake.calls.some(card));
    const posted = fake.calls.find(card) as RecordedCall;
    assert.equal(posted.args.channel, 'CE2E');
    assert.match(String(posted.args.text), /demo/);

    await fake.waitFor(() => fake.calls.some(notice));
    const end = fake.calls.find(notice) as RecordedCall;
    assert.match(String(end.args.text), /<@U42>.*succeeded/);

    await fake.waitFor(() => fake.callsOf('files.completeUploadExternal').length > 0);
    const updates = fake.callsOf('chat.update');
    assert.ok(updates.length >= 1, 'the card was updated');
    assert.match(String(updates.at(-1)?.args.text), /Succeeded/);
    const upload = fake.callsOf('files.completeUploadExternal')[0];
    assert.equal(upload.args.channel_id, 'CE2E');
    assert.ok(upload.args.thread_ts, 'the log goes into the card thread');
    assert.ok(fake.uploads.size >= 1);
    assert.ok(!stderr.includes(TOKEN), 'the token never reaches the log');
  });

  it('answers a Stop pressed by someone else only to them (ephemeral)', async () => {
    const posted = fake.calls.find(card) as RecordedCall;
    const runId = JSON.stringify(posted.args.blocks).match(/"value":"(r-[a-z0-9]+)"/)?.[1];
    assert.ok(runId, 'the card carries the run id on its buttons');
    const responseUrl = fake.responseUrl('stop-by-other');
    const res = await sendSigned(
      events,
      buttonPress({
        actionId: 'run_stop',
        value: runId,
        user: 'UOTHER',
        channel: 'CE2E',
        actionTs: '9.9',
        responseUrl,
      }),
      { secret: SECRET },
    );
    assert.equal(res.status, 200);
    await fake.waitFor(() => fake.callsOf('response_url').some((c) => c.args.id === 'stop-by-other'));
    const answer = fake.callsOf('response_url').find((c) => c.args.id === 'stop-by-other');
    assert.equal(answer?.args.response_type, 'ephemeral');
  });

  it('serves /healthz and /metrics on the same port as /slack/events', async () => {
    const base = events.replace('/slack/events', '');
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /trainyard_slack_calls_total\{method="chat.postMessage",outcome="ok"\}/);
    // A scraper can read all of it: ours beside the process's own, event-loop lag included.
    const families = parseMetrics(metrics);
    for (const name of [
      'trainyard_runs',
      'trainyard_slack_ack_seconds',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_eventloop_lag_p99_seconds',
    ])
      assert.ok(families.has(name), `${name} is missing from /metrics`);
  });

  it('rejects an unsigned request without launching anything', async () => {
    const before = fake.calls.filter(card).length;
    const res = await sendSigned(
      events,
      slashCommand('demo', { triggerId: 'e2e-forged', responseUrl: fake.responseUrl() }),
      { secret: 'wrong-secret' },
    );
    assert.equal(res.status, 401);
    assert.equal(fake.calls.filter(card).length, before);
  });
});

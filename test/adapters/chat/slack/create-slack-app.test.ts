import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSlackChat } from '../../../../src/adapters/chat/slack/create-slack-app.ts';
import type { SlackChat } from '../../../../src/adapters/chat/slack/SlackChat.ts';
import { MetricsRegistry } from '../../../../src/adapters/http/metrics.ts';
import { loadConfig } from '../../../../src/config/env.ts';
import { ACTIONS } from '../../../../src/core/actions.ts';
import type { ChatHandlers, Requester } from '../../../../src/ports/chat.ts';
import { silentLogger } from '../../../../src/shared/log.ts';
import { FakeSlackApi } from '../../../support/slack-api.ts';
import { buttonPress, sendSigned, slashCommand } from '../../../support/slack-requests.ts';

const SECRET = 'test-signing-secret';
const TOKEN = 'xoxb-test';

/** Handlers that record what reached them. */
class RecordingHandlers implements ChatHandlers {
  commands: { text: string; from: Requester; key?: string }[] = [];
  actions: { action: string; value: string; from: Requester; key?: string }[] = [];
  async command(text: string, from: Requester, key?: string) {
    this.commands.push({ text, from, key });
    return { started: [] };
  }
  async action(action: string, value: string, from: Requester, key?: string) {
    this.actions.push({ action, value, from, key });
  }
  async submitForm() {
    return { ok: true as const };
  }
  async homeOpened() {}
}

// No waiting is needed after a 200: the receiver acks, then calls the handlers in the same turn
// of the event loop, before the client can read the answer.

describe('createSlackChat (HTTP mode, real HTTPReceiver)', () => {
  let fake: FakeSlackApi;
  let chat: SlackChat;
  let events: string;
  let base: string;
  const handlers = new RecordingHandlers();

  before(async () => {
    fake = await FakeSlackApi.start({ token: TOKEN });
    const config = loadConfig({
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
      PORT: '0',
    });
    chat = await createSlackChat({
      config,
      log: silentLogger,
      metrics: new MetricsRegistry(),
      host: '127.0.0.1',
      routes: [{ path: '/healthz', method: ['GET'], handler: (_req, res) => res.writeHead(200).end('ok') }],
    });
    // Nothing listens before the door is given: no delivery can arrive without handlers.
    assert.equal(chat.listeningPort, undefined);
    await chat.start(handlers);
    base = `http://127.0.0.1:${chat.listeningPort}`;
    events = `${base}/slack/events`;
  });
  after(async () => {
    await chat.close(100);
    await fake.close();
  });

  it('acks a signed /train and hands text, requester and trigger_id to the handlers', async () => {
    const responseUrl = fake.responseUrl();
    const res = await sendSigned(
      events,
      slashCommand('demo epochs=2', { user: 'U9', channel: 'C7', triggerId: 't-1', responseUrl }),
      { secret: SECRET },
    );
    assert.equal(res.status, 200);
    assert.deepEqual(handlers.commands.at(-1), {
      text: 'demo epochs=2',
      from: { user: 'U9', channel: 'C7', replyTo: responseUrl, trigger: 't-1' },
      key: 't-1',
    });
  });

  it('rejects a bad signature and a timestamp older than five minutes; nothing runs', async () => {
    const before = handlers.commands.length;
    const form = slashCommand('demo', { triggerId: 't-bad', responseUrl: fake.responseUrl() });
    const forged = await sendSigned(events, form, { secret: 'not-the-secret' });
    assert.equal(forged.status, 401);
    const old = await sendSigned(events, form, {
      secret: SECRET,
      timestamp: Math.floor(Date.now() / 1000) - 6 * 60,
    });
    assert.equal(old.status, 401);
    assert.equal(handlers.commands.length, before);
  });

  it('never runs a delivery twice when Slack retries it (X-Slack-Retry-Num)', async () => {
    const form = slashCommand('demo', { triggerId: 't-retry', responseUrl: fake.responseUrl() });
    assert.equal((await sendSigned(events, form, { secret: SECRET })).status, 200);
    assert.equal((await sendSigned(events, form, { secret: SECRET, retryNum: 1 })).status, 200);
    assert.equal((await sendSigned(events, form, { secret: SECRET, retryNum: 2 })).status, 200);
    assert.equal(handlers.commands.filter((c) => c.key === 't-retry').length, 1);
  });

  it('passes button presses on, once, even when double-clicked', async () => {
    const responseUrl = fake.responseUrl();
    const press = (ts: string) =>
      sendSigned(
        events,
        buttonPress({ actionId: ACTIONS.stop, value: 'r-1', user: 'U2', actionTs: ts, responseUrl }),
        {
          secret: SECRET,
        },
      );
    assert.equal((await press('100.1')).status, 200);
    assert.equal((await press('100.2')).status, 200);
    const stops = handlers.actions.filter((a) => a.action === ACTIONS.stop && a.value === 'r-1');
    assert.equal(stops.length, 1);
    assert.deepEqual(stops[0].from, {
      user: 'U2',
      channel: 'C1',
      replyTo: responseUrl,
      trigger: 'trig-100.1',
    });
    assert.equal(stops[0].key, '100.1:U2:r-1');
  });

  it('answers an unknown button politely, only to the presser, and runs nothing', async () => {
    const before = handlers.actions.length;
    const responseUrl = fake.responseUrl('unknown-button');
    const res = await sendSigned(
      events,
      buttonPress({ actionId: 'launch_rockets', value: 'x', actionTs: '200.1', responseUrl }),
      { secret: SECRET },
    );
    assert.equal(res.status, 200);
    await fake.waitFor(() => fake.callsOf('response_url').some((c) => c.args.id === 'unknown-button'));
    const answer = fake.callsOf('response_url').find((c) => c.args.id === 'unknown-button');
    assert.match(String(answer?.args.text), /older version of Trainyard/);
    assert.equal(handlers.actions.length, before);
  });

  it('serves the extra routes beside Slack events', async () => {
    const res = await fetch(`${base}/healthz`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'ok');
  });
});

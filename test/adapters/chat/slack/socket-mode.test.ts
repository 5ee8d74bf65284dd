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
import { buttonPress, slashCommand } from '../../../support/slack-requests.ts';
import { FakeSocketMode } from '../../../support/slack-socket-mode.ts';

describe('createSlackChat (Socket Mode)', () => {
  let api: FakeSlackApi;
  let socket: FakeSocketMode;
  let chat: SlackChat;
  const commands: { text: string; from: Requester; key?: string }[] = [];
  const actions: { action: string; value: string }[] = [];
  const handlers: ChatHandlers = {
    async command(text, from, key) {
      commands.push({ text, from, key });
      return { started: [] };
    },
    async action(action, value) {
      actions.push({ action, value });
    },
    async submitForm() {
      return { ok: true };
    },
    async homeOpened() {},
  };

  before(async () => {
    api = await FakeSlackApi.start({ token: 'xoxb-test' });
    socket = await FakeSocketMode.start();
    api.socketModeUrl = socket.url;
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_APP_TOKEN: 'xapp-test',
      SLACK_API_URL: api.apiUrl,
      PORT: '0',
    });
    chat = await createSlackChat({ config, log: silentLogger, metrics: new MetricsRegistry() });
    await chat.start(handlers);
    await socket.connected();
  });
  after(async () => {
    await chat.close(100);
    await socket.close();
    await api.close();
  });

  it('opens the connection through SLACK_API_URL with the app token', () => {
    assert.equal(api.callsOf('apps.connections.open').length, 1);
  });

  it('acks a /train envelope and calls the same handlers as HTTP mode, once even when redelivered', async () => {
    const form = slashCommand('demo epochs=2', {
      user: 'U5',
      channel: 'C5',
      triggerId: 'sm-1',
      responseUrl: api.responseUrl(),
    });
    const ack = await socket.deliver('slash_commands', form);
    assert.ok(ack.envelope_id);
    await socket.deliver('slash_commands', form, 1);
    assert.deepEqual(
      commands.filter((c) => c.key === 'sm-1').map((c) => [c.text, c.from.user, c.from.channel]),
      [['demo epochs=2', 'U5', 'C5']],
    );
  });

  it('passes button presses to the handlers', async () => {
    const press = JSON.parse(
      buttonPress({ actionId: ACTIONS.logs, value: 'r-9', actionTs: '5.5', responseUrl: api.responseUrl() })
        .payload,
    );
    await socket.deliver('interactive', press);
    assert.deepEqual(actions.at(-1), { action: ACTIONS.logs, value: 'r-9' });
  });
});

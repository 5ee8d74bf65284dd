import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { BOT_SCOPES, run } from '../../../src/cli/commands/slack-manifest.ts';

async function manifest(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    env: {},
    cwd: '/',
  });
  return { code, stdout, stderr };
}

describe('trainyard slack-manifest', () => {
  it('prints a Socket Mode manifest with /train, interactivity and only the scopes Trainyard uses', async () => {
    const { code, stdout } = await manifest([]);
    assert.equal(code, 0);
    const m = parse(stdout);
    assert.equal(m.display_information.name, 'Trainyard');
    assert.equal(m.features.bot_user.display_name, 'trainyard');
    assert.equal(m.features.slash_commands[0].command, '/train');
    assert.match(m.features.slash_commands[0].usage_hint, /<template> \[name=value/);
    assert.equal(m.features.slash_commands[0].url, undefined);
    assert.deepEqual(m.oauth_config.scopes.bot, [...BOT_SCOPES]);
    assert.equal(m.settings.interactivity.is_enabled, true);
    assert.equal(m.settings.socket_mode_enabled, true);
  });

  it('enables the Home tab and its app_home_opened event, with no scope beyond the four (issue 14)', async () => {
    const m = parse((await manifest([])).stdout);
    assert.equal(m.features.app_home.home_tab_enabled, true);
    assert.equal(m.features.app_home.messages_tab_enabled, true);
    assert.deepEqual(m.settings.event_subscriptions.bot_events, ['app_home_opened']);
    assert.equal(m.settings.event_subscriptions.request_url, undefined, 'Socket Mode needs no request URL');
    // Charts are files (files:write); views.open/update/publish and the event need no scope.
    assert.deepEqual([...BOT_SCOPES], ['commands', 'chat:write', 'chat:write.public', 'files:write']);
    const http = parse((await manifest(['--http', 'https://bot.example.com'])).stdout);
    assert.equal(http.settings.event_subscriptions.request_url, 'https://bot.example.com/slack/events');
  });

  it('with --http sets the request URLs and turns Socket Mode off', async () => {
    const { code, stdout } = await manifest(['--http', 'https://bot.example.com/']);
    assert.equal(code, 0);
    const m = parse(stdout);
    assert.equal(m.features.slash_commands[0].url, 'https://bot.example.com/slack/events');
    assert.equal(m.settings.interactivity.request_url, 'https://bot.example.com/slack/events');
    assert.equal(m.settings.socket_mode_enabled, false);
  });

  it('takes the full events URL, or a base under a path, without doubling /slack/events', async () => {
    for (const [given, expected] of [
      ['https://bot.example.com/slack/events', 'https://bot.example.com/slack/events'],
      ['https://bot.example.com/slack/events/', 'https://bot.example.com/slack/events'],
      ['https://bot.example.com', 'https://bot.example.com/slack/events'],
      ['https://example.com/bots/trainyard/', 'https://example.com/bots/trainyard/slack/events'],
      ['https://bot.example.com:8443/slack/events', 'https://bot.example.com:8443/slack/events'],
    ]) {
      const { code, stdout } = await manifest([`--http=${given}`]);
      assert.equal(code, 0, given);
      const m = parse(stdout);
      assert.equal(m.features.slash_commands[0].url, expected, given);
      assert.equal(m.settings.interactivity.request_url, expected, given);
    }
  });

  it('refuses http://, other schemes, queries and credentials with one sentence and exit 2', async () => {
    for (const given of [
      'http://bot.example.com',
      'ftp://x',
      'bot.example.com',
      'https://x/?a=1',
      'https://u:p@x',
    ]) {
      const bad = await manifest(['--http', given]);
      assert.equal(bad.code, 2, given);
      assert.equal(bad.stdout, '');
      assert.equal(
        bad.stderr,
        `--http needs the bot's public https address (Slack calls only https), such as https://trainyard.example.com or https://trainyard.example.com/slack/events, not "${given}".\n`,
      );
    }
    const unknown = await manifest(['--socket']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unexpected argument "--socket"/);
  });
});

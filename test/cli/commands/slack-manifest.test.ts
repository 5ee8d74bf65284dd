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

  it('with --http sets the request URLs and turns Socket Mode off', async () => {
    const { code, stdout } = await manifest(['--http', 'https://bot.example.com/']);
    assert.equal(code, 0);
    const m = parse(stdout);
    assert.equal(m.features.slash_commands[0].url, 'https://bot.example.com/slack/events');
    assert.equal(m.settings.interactivity.request_url, 'https://bot.example.com/slack/events');
    assert.equal(m.settings.socket_mode_enabled, false);
  });

  it('refuses a URL that is not http(s) and unknown arguments with exit 2', async () => {
    const bad = await manifest(['--http', 'ftp://x']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /public base URL/);
    const unknown = await manifest(['--socket']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unexpected argument "--socket"/);
  });
});

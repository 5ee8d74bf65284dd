import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FileStore } from '../../src/adapters/store/FileStore.ts';
import { makeRun } from '../support/make-run.ts';
import { FakeSlackApi, type RecordedCall } from '../support/slack-api.ts';
import { sendSigned, slashCommand } from '../support/slack-requests.ts';
import { type SlackBot, startSlackBot } from '../support/trainyard-cli.ts';

const SECRET = 'backlog-secret';
const TOKEN = 'xoxb-backlog';
const OWED = 200;

/** The real `trainyard start`, as an operator runs it, over `data`. */
function startBot(data: string, slack: FakeSlackApi): Promise<SlackBot> {
  return startSlackBot({
    SLACK_BOT_TOKEN: TOKEN,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    TRAINYARD_RUNTIME: 'process',
    TRAINYARD_DATA: data,
  });
}

/**
 * A restart with hundreds of completion notices owed, against a Slack that does not answer:
 * health and the chat come up at once, SIGTERM is honoured, and every notice is posted exactly
 * once across the restarts.
 */
describe('trainyard start with a backlog of notices (end to end)', { timeout: 90_000 }, () => {
  let slack: FakeSlackApi;
  let data: string;
  const bots: SlackBot[] = [];

  before(async () => {
    slack = await FakeSlackApi.start({ token: TOKEN });
    data = await mkdtemp(join(tmpdir(), 'trainyard-backlog-'));
    // Runs that ended while the bot was away; each in a channel of its own (Slack's per-channel
    // budget is not what this is about).
    const store = await FileStore.open(data);
    for (let i = 0; i < OWED; i++) {
      store.saveRun(
        makeRun({
          id: `r-owed${String(i).padStart(6, '0')}`,
          number: store.nextRunNumber(),
          state: 'succeeded',
          channel: `CB${i}`,
          card: { channel: `CB${i}`, ts: `${1000 + i}.000100` },
          endedAt: new Date('2026-01-01T01:00:00Z').toISOString(),
        }),
      );
    }
    await store.close();
  });

  after(async () => {
    for (const bot of bots) if (bot.child.exitCode === null) bot.child.kill('SIGKILL');
    await slack.close();
    await rm(data, { recursive: true, force: true });
  });

  const notices = () =>
    slack.callsOf('chat.postMessage').filter((c: RecordedCall) => c.args.reply_broadcast === 'true');

  it('serves /healthz and commands at once, and honours SIGTERM while Slack hangs', async () => {
    const release = slack.hold('chat.postMessage');
    const bot = await startBot(data, slack);
    bots.push(bot);
    assert.equal((await fetch(`${bot.base}/healthz`)).status, 200);
    assert.equal(notices().length, 0, 'no notice could be delivered yet');
    const responseUrl = slack.responseUrl('help-at-once');
    const ack = await sendSigned(
      `${bot.base}/slack/events`,
      slashCommand('help', { triggerId: 'backlog-help', responseUrl }),
      { secret: SECRET },
    );
    assert.equal(ack.status, 200);
    await slack.waitFor(() => slack.callsOf('response_url').some((c) => c.args.id === 'help-at-once'));
    bot.child.kill('SIGTERM');
    assert.equal(await bot.exited, 0);
    assert.match(bot.stderr(), /"msg":"shutting down"/);
    assert.match(bot.stderr(), /"msg":"shut down".*"noticesOwed":200/);
    assert.equal(notices().length, 0);
    process.stderr.write(
      bot
        .stderr()
        .split('\n')
        .map((l) => l.slice(0, 200))
        .join('\n'),
    );
    // Slack never handled what the stopped bot left on the wire.
    release('drop');
  });

  it('posts every owed notice exactly once after the next start', async () => {
    const bot = await startBot(data, slack);
    bots.push(bot);
    await slack.waitFor(() => new Set(notices().map((c) => c.args.thread_ts)).size === OWED);
    bot.child.kill('SIGTERM');
    assert.equal(await bot.exited, 0);
    const perCard = new Map<string, number>();
    for (const call of notices()) {
      const card = `${call.args.channel}:${call.args.thread_ts}`;
      perCard.set(card, (perCard.get(card) ?? 0) + 1);
    }
    assert.equal(perCard.size, OWED);
    assert.deepEqual(
      [...perCard].filter(([, n]) => n !== 1),
      [],
    );
  });
});

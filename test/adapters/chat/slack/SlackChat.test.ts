import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_UPLOAD_CHARS } from '../../../../src/adapters/chat/slack/head-and-tail.ts';
import { OutboundQueue } from '../../../../src/adapters/chat/slack/OutboundQueue.ts';
import { SlackChat } from '../../../../src/adapters/chat/slack/SlackChat.ts';
import { createWebClient } from '../../../../src/adapters/chat/slack/web-client.ts';
import { silentLogger } from '../../../../src/shared/log.ts';
import { FakeSlackApi } from '../../../support/slack-api.ts';
import { makeRun } from '../../../views/blocks/fixtures.ts';

const TOKEN = 'xoxb-chat-test';

describe('SlackChat', () => {
  let fake: FakeSlackApi;
  let chat: SlackChat;

  before(async () => {
    fake = await FakeSlackApi.start({ token: TOKEN });
    chat = new SlackChat({
      web: createWebClient(TOKEN, fake.apiUrl),
      // Slack's ≈1 post per second per channel is the queue's concern (OutboundQueue.test.ts), not this file's.
      queue: new OutboundQueue({
        log: silentLogger,
        budgets: { 'chat.postMessage': { limit: 6000, windowMs: 60_000, scope: 'channel' } },
      }),
      log: silentLogger,
      cardUpdateIntervalMs: 0,
    });
  });
  after(async () => {
    await chat.close(100);
    await fake.close();
  });

  it('posts the run card in the run channel and returns where it is', async () => {
    const ref = await chat.postRunCard(makeRun({ channel: 'CCARD' }));
    assert.equal(ref?.channel, 'CCARD');
    const call = fake.callsOf('chat.postMessage').at(-1);
    assert.equal(call?.args.channel, 'CCARD');
    assert.equal(call?.args.ts, undefined);
    assert.ok(Array.isArray(call?.args.blocks));
    assert.match(String(call?.args.text), /#42 resnet/);
  });

  it('updates the card in place and sends the end state even right after a progress update', async () => {
    const card = { channel: 'CUPD', ts: '1700000000.000100' };
    chat.updateRunCard(makeRun({ card, progress: { current: 5, total: 10, unit: 'epoch' } }));
    chat.updateRunCard(makeRun({ card, state: 'succeeded', endedAt: new Date().toISOString() }));
    await chat.flush();
    const updates = fake.callsOf('chat.update').filter((c) => c.args.ts === card.ts);
    assert.ok(updates.length >= 1);
    assert.match(String(updates.at(-1)?.args.text), /Succeeded/);
  });

  it('posts the completion notice in the card thread, broadcast to the channel, mentioning the launcher', async () => {
    const run = makeRun({
      channel: 'CN',
      card: { channel: 'CN', ts: '1.5' },
      state: 'failed',
      reason: 'Exit code 1.',
      endedAt: new Date().toISOString(),
    });
    await chat.postNotice(run, ['Traceback', 'ValueError: boom']);
    const notice = fake.callsOf('chat.postMessage').at(-1);
    assert.equal(notice?.args.thread_ts, '1.5');
    assert.equal(notice?.args.reply_broadcast, 'true');
    assert.match(String(notice?.args.text), /<@U123>.*failed/);
    assert.ok(JSON.stringify(notice?.args.blocks).includes('ValueError: boom'));
  });

  it('posts logs in the thread and uploads the full log through the external upload flow', async () => {
    const run = makeRun({ channel: 'CL', card: { channel: 'CL', ts: '2.5' } });
    await chat.postInThread(run, { kind: 'logs', run, lines: ['epoch 1', 'epoch 2'] });
    const logs = fake.callsOf('chat.postMessage').at(-1);
    assert.equal(logs?.args.thread_ts, '2.5');
    assert.equal(logs?.args.reply_broadcast, undefined);

    const huge = `${'a'.repeat(2 * MAX_UPLOAD_CHARS)}THE END`;
    await chat.uploadFile(run, 'run-42.log', huge, 'Log of run #42');
    const got = fake.callsOf('files.getUploadURLExternal').at(-1);
    assert.equal(got?.args.filename, 'run-42.log');
    const done = fake.callsOf('files.completeUploadExternal').at(-1);
    assert.equal(done?.args.channel_id, 'CL');
    assert.equal(done?.args.thread_ts, '2.5');
    const uploaded = [...fake.uploads.values()].at(-1) ?? '';
    assert.ok(uploaded.endsWith('THE END'), 'keeps the tail');
    assert.ok(uploaded.includes('characters cut from the middle'));
    assert.ok(uploaded.length < MAX_UPLOAD_CHARS + 100, 'bounded');
  });

  it('answers through the response_url when there is one, else with chat.postEphemeral', async () => {
    const url = fake.responseUrl('answer');
    await chat.answer(
      { user: 'U1', channel: 'C1', replyTo: url },
      { kind: 'error', text: 'No such run #9.' },
    );
    const viaUrl = fake.callsOf('response_url').find((c) => c.args.id === 'answer');
    assert.equal(viaUrl?.args.response_type, 'ephemeral');
    assert.match(String(viaUrl?.args.text), /No such run #9/);

    await chat.answer({ user: 'U1', channel: 'C1' }, { kind: 'info', text: 'Stopped.' });
    const ephemeral = fake.callsOf('chat.postEphemeral').at(-1);
    assert.equal(ephemeral?.args.user, 'U1');
    assert.match(String(ephemeral?.args.text), /Stopped/);
  });

  it('never throws when Slack refuses a post: the card reference is simply missing', async () => {
    fake.channelErrors.set('CNOTIN', 'not_in_channel');
    assert.equal(await chat.postRunCard(makeRun({ channel: 'CNOTIN' })), undefined);
    await chat.announce('CNOTIN', 'Schedule nightly launched run #3.');
  });

  it('closes within a bound: final states and notices go, the cards left behind are reported', async () => {
    const slow = await FakeSlackApi.start({ token: TOKEN });
    const release = slow.hold('chat.update');
    const closing = new SlackChat({
      web: createWebClient(TOKEN, slow.apiUrl),
      queue: new OutboundQueue({ log: silentLogger, maxInFlight: 2 }),
      log: silentLogger,
      cardUpdateIntervalMs: 0,
    });
    const cards = Array.from({ length: 5 }, (_, i) => ({ channel: `CS${i}`, ts: `${i}.000200` }));
    for (const card of cards)
      closing.updateRunCard(makeRun({ card, progress: { current: 1, total: 9, unit: 'epoch' } }));
    const ended = makeRun({
      card: { channel: 'CN2', ts: '9.000300' },
      state: 'succeeded',
      endedAt: new Date().toISOString(),
    });
    const notice = closing.postNotice(ended, []);
    const { staleCards } = await closing.close(200);
    assert.equal(await notice, true, 'the notice went out');
    assert.deepEqual(staleCards.map((c) => c.channel).sort(), cards.map((c) => c.channel).sort());
    assert.equal(await closing.postNotice(ended, []), false, 'after closing nothing is sent: it stays owed');
    release();
    await slow.close();
  });
});

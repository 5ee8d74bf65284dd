import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { OutboundQueue } from '../../../../src/adapters/chat/slack/OutboundQueue.ts';
import { SlackChat } from '../../../../src/adapters/chat/slack/SlackChat.ts';
import { createWebClient } from '../../../../src/adapters/chat/slack/web-client.ts';
import { createTemplateSource } from '../../../../src/adapters/templates/template-source.ts';
import type { Template } from '../../../../src/core/template/template.ts';
import type { HomeContent } from '../../../../src/ports/home.ts';
import { silentLogger } from '../../../../src/shared/log.ts';
import { PNG_SIGNATURE } from '../../../support/png.ts';
import { FakeSlackApi } from '../../../support/slack-api.ts';

const TOKEN = 'xoxb-views-test';
const templates = createTemplateSource(join(import.meta.dirname, '../../../../manifests'));

/** The sending side of pictures, forms and Home tabs, against the fake Slack. */
describe('SlackChat: pictures, forms and Home tabs (issue 14)', () => {
  let fake: FakeSlackApi;
  let chat: SlackChat;
  let demo: Template;
  const home = (note?: HomeContent['note']): HomeContent => ({
    now: new Date('2026-12-01T10:00:00Z'),
    active: [],
    recent: [],
    schedules: [],
    templates: [demo],
    note,
  });

  before(async () => {
    fake = await FakeSlackApi.start({ token: TOKEN });
    chat = new SlackChat({
      web: createWebClient(TOKEN, fake.apiUrl),
      queue: new OutboundQueue({ log: silentLogger }),
      log: silentLogger,
    });
    demo = (await templates()).templates.get('demo') as Template;
  });
  after(async () => {
    await chat.close(100);
    await fake.close();
  });

  it('uploads a picture byte for byte into its thread, with its title and alt text', async () => {
    const png = Buffer.concat([PNG_SIGNATURE, Buffer.from([0, 0xff, 0x80, 0x0d, 0x0a, 0x1a, 0xc3, 0x28])]);
    const ok = await chat.uploadImage(
      { channel: 'CIMG', thread: '9.9' },
      { filename: 'r-1.png', title: 'Chart of run #1 (demo)', altText: 'acc from 0.4 to 0.9', png },
    );
    assert.equal(ok, true);
    const asked = fake.callsOf('files.getUploadURLExternal').at(-1);
    assert.deepEqual(
      [asked?.args.filename, asked?.args.alt_text, Number(asked?.args.length)],
      ['r-1.png', 'acc from 0.4 to 0.9', png.length],
    );
    const done = fake.callsOf('files.completeUploadExternal').at(-1);
    assert.deepEqual([done?.args.channel_id, done?.args.thread_ts], ['CIMG', '9.9']);
    assert.deepEqual(done?.args.files, [
      {
        id: String(fake.calls.find((c) => c.method === 'upload')?.args.file_id),
        title: 'Chart of run #1 (demo)',
      },
    ]);
    assert.ok(
      [...fake.uploadedBytes.values()].at(-1)?.equals(png),
      'not a byte changed (a PNG is binary, not text)',
    );
  });

  it('opens a form with the trigger, or tells the presser when Slack refuses it', async () => {
    const trigger = fake.issueTrigger();
    await chat.showForm(
      { user: 'U1', channel: 'C1', trigger },
      { kind: 'launch', template: demo, channel: 'C1' },
    );
    const opened = fake.callsOf('views.open').at(-1);
    assert.equal(opened?.args.trigger_id, trigger);
    assert.equal((opened?.args.view as { callback_id?: string } | undefined)?.callback_id, 'launch_form');
    // The same trigger again: Slack refuses an exchanged trigger, and the presser is told.
    const url = fake.responseUrl('form-refused');
    await chat.showForm(
      { user: 'U1', channel: 'C1', trigger, replyTo: url },
      { kind: 'launch', template: demo, channel: 'C1' },
    );
    assert.equal(fake.callsOf('views.open').at(-1)?.error, 'exchanged_trigger_id');
    const told = fake.callsOf('response_url').find((c) => c.args.id === 'form-refused');
    assert.match(String(told?.args.text), /Slack did not open the form in time; press the button/);
  });

  it('replaces the open form in place with its view id and hash', async () => {
    const trigger = fake.issueTrigger();
    await chat.showForm(
      { user: 'U1', channel: 'C1', trigger },
      { kind: 'new', templates: [demo], channel: 'C1' },
    );
    const [id, kept] = [...fake.views].at(-1) ?? [];
    assert.ok(id && kept);
    await chat.showForm(
      { user: 'U1', channel: 'C1', form: { id, hash: kept.hash } },
      { kind: 'new', templates: [demo], chosen: demo, channel: 'C1' },
    );
    const update = fake.callsOf('views.update').at(-1);
    assert.deepEqual([update?.args.view_id, update?.args.hash, update?.error], [id, kept.hash, undefined]);
    assert.match(JSON.stringify(update?.args.view), /param:epochs/);
  });

  it('publishes a Home tab, the latest of several waiting for the same person', async () => {
    const first = chat.publishHome('UHOME', home({ kind: 'info', text: 'first' }));
    const second = chat.publishHome('UHOME', home({ kind: 'info', text: 'second' }));
    await Promise.all([first, second]);
    const published = fake.callsOf('views.publish').filter((c) => c.args.user_id === 'UHOME');
    assert.ok(published.length >= 1 && published.length <= 2);
    assert.match(JSON.stringify(published.at(-1)?.args.view), /second/);
    assert.equal((published.at(-1)?.args.view as { type?: string } | undefined)?.type, 'home');
  });

  it('answers someone who pressed outside any channel (the Home tab) in their DM with the app', async () => {
    await chat.answer({ user: 'UDM', channel: '' }, { kind: 'error', text: 'Something went wrong.' });
    const dm = fake.callsOf('chat.postMessage').at(-1);
    assert.equal(dm?.args.channel, 'UDM');
    assert.equal(fake.callsOf('chat.postEphemeral').length, 0);
  });
});

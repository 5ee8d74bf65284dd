import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ACTIONS } from '../../src/core/actions.ts';
import { readPngHeader } from '../support/png.ts';
import type { RecordedCall } from '../support/slack-api.ts';
import {
  appHomeOpened,
  buttonPress,
  formState,
  slashCommand,
  viewAction,
  viewSubmission,
} from '../support/slack-requests.ts';
import { SlackUiWorld } from '../support/slack-ui-world.ts';

const CHANNEL = 'CSOCK';
const payload = (form: { payload: string }) => JSON.parse(form.payload) as Record<string, unknown>;
const isNoticeOf = (n: number) => (c: RecordedCall) =>
  c.method === 'chat.postMessage' &&
  c.args.reply_broadcast === 'true' &&
  String(c.args.text).includes(`run #${n} `);

/** The same chart, forms and Home tab, delivered over Socket Mode: acks carry the form's errors. */
describe('charts, forms and the Home tab over Socket Mode (issue 14)', { timeout: 120_000 }, () => {
  let w: SlackUiWorld;
  let seq = 0;
  const socket = () => w.socket as NonNullable<SlackUiWorld['socket']>;
  const command = (text: string, user = 'USOCK') =>
    socket().deliver(
      'slash_commands',
      slashCommand(text, {
        user,
        channel: CHANNEL,
        triggerId: `sock-${++seq}`,
        responseUrl: w.fake.responseUrl(),
      }),
    );

  before(async () => {
    w = await SlackUiWorld.start({ socketMode: true });
    await command('demo epochs=4 epoch_seconds=0');
    await w.call('run #1’s notice', isNoticeOf(1));
  });
  after(() => w.close());

  it('uploads the finished run’s chart as a PNG in its thread', async () => {
    await w.call(
      'the chart',
      (c) =>
        c.method === 'files.completeUploadExternal' &&
        JSON.stringify(c.args.files).includes('Chart of run #1'),
    );
    const png = [...w.fake.uploadedBytes.values()].find((b) => b.subarray(1, 4).toString('latin1') === 'PNG');
    assert.ok(png);
    assert.equal(readPngHeader(png).width, 960);
  });

  it('opens the rerun form, answers a wrong value in the envelope’s ack, and launches a right one', async () => {
    const card = w.fake.calls.find(
      (c) => c.method === 'chat.postMessage' && c.args.channel === CHANNEL && !c.args.thread_ts,
    );
    const runId = JSON.stringify(card?.args.blocks).match(/"value":"(r-[a-z0-9]+)"/)?.[1] ?? '';
    const since = w.fake.calls.length;
    await socket().deliver(
      'interactive',
      payload(
        buttonPress({
          actionId: ACTIONS.rerunForm,
          value: runId,
          user: 'USOCK',
          channel: CHANNEL,
          actionTs: `${++seq}.1`,
          responseUrl: w.fake.responseUrl(),
        }),
      ),
    );
    const form = w.viewOf(
      await w.call('the form', (c) => c.method === 'views.open' && w.fake.calls.indexOf(c) >= since),
    );
    const wrong = await socket().deliver(
      'interactive',
      payload(viewSubmission({ user: 'USOCK', view: form, values: formState(form, { 'param:lr': '0' }) })),
    );
    assert.deepEqual(Object.keys(wrong.payload as object), ['response_action', 'errors']);
    assert.match(JSON.stringify(wrong.payload), /"param:lr":"lr must be /);

    const good = await socket().deliver(
      'interactive',
      payload(
        viewSubmission({ user: 'USOCK', view: form, values: formState(form, { 'param:epochs': '2' }) }),
      ),
    );
    assert.deepEqual(good.payload ?? {}, {}, 'an ack with nothing closes the form');
    await w.call('run #2’s notice', isNoticeOf(2));
  });

  it('/train new, then a template picked in the form, updates it in place', async () => {
    const since = w.fake.calls.length;
    await command('new');
    const picker = w.viewOf(
      await w.call('the picker', (c) => c.method === 'views.open' && w.fake.calls.indexOf(c) >= since),
    );
    await socket().deliver(
      'interactive',
      payload(
        viewAction({
          user: 'USOCK',
          view: picker,
          actionTs: `${++seq}.2`,
          action: { type: 'static_select', actionId: ACTIONS.pickTemplate, selected: 'demo' },
        }),
      ),
    );
    const update = await w.call(
      'the update',
      (c) => c.method === 'views.update' && w.fake.calls.indexOf(c) >= since,
    );
    assert.equal(update.args.view_id, picker.id);
  });

  it('publishes the Home tab on app_home_opened', async () => {
    const since = w.fake.calls.length;
    const ack = await socket().deliver('events_api', appHomeOpened({ user: 'USOCK', eventId: 'EvSock' }));
    assert.ok(ack.envelope_id);
    const published = await w.call(
      'the Home tab',
      (c) => c.method === 'views.publish' && w.fake.calls.indexOf(c) >= since,
    );
    assert.equal(published.args.user_id, 'USOCK');
    assert.match(JSON.stringify(published.args.view), /#2 demo/);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ACTIONS } from '../../src/core/actions.ts';
import type { RecordedCall } from '../support/slack-api.ts';
import {
  appHomeOpened,
  buttonPress,
  formState,
  type SlackView,
  sendSigned,
  sendSignedJson,
  slashCommand,
  viewAction,
  viewSubmission,
} from '../support/slack-requests.ts';
import { SECRET, SlackUiWorld } from '../support/slack-ui-world.ts';
import { assertSafeSlackMessage, assertSafeView } from '../support/view-checks.ts';

const CHANNEL = 'CFORM';
const isCard = (c: RecordedCall) =>
  c.method === 'chat.postMessage' && !c.args.thread_ts && c.args.channel === CHANNEL;
const cards = (w: SlackUiWorld) => w.fake.calls.filter(isCard);
const runIdOf = (card: RecordedCall) =>
  JSON.stringify(card.args.blocks).match(/"value":"(r-[a-z0-9]+)"/)?.[1] ?? '';
const isNoticeOf = (n: number) => (c: RecordedCall) =>
  c.method === 'chat.postMessage' &&
  c.args.reply_broadcast === 'true' &&
  String(c.args.text).includes(`run #${n} `);

/**
 * Forms end to end: button presses, slash commands, block_actions in a view and view_submissions,
 * all signed, into the real HTTP receiver; views.open/update answered by the fake Slack.
 */
describe('forms in Slack (issue 14)', { timeout: 120_000 }, () => {
  let w: SlackUiWorld;
  let seq = 0;
  const send = (form: Record<string, string>) => sendSigned(w.events, form, { secret: SECRET });
  const submit = async (
    view: SlackView,
    typed: Record<string, string | boolean | undefined>,
    user = 'UBOB',
  ) => {
    const res = await send(viewSubmission({ user, view, values: formState(view, typed) }));
    const text = await res.text();
    return {
      status: res.status,
      body: text ? (JSON.parse(text) as { response_action?: string; errors?: Record<string, string> }) : {},
    };
  };
  const opened = (what: string, since: number) =>
    w.call(what, (c) => c.method === 'views.open' && w.fake.calls.indexOf(c) >= since);

  before(async () => {
    w = await SlackUiWorld.start();
    const res = await send(
      slashCommand('demo epochs=3 lr=0.5 epoch_seconds=0', {
        user: 'UALICE',
        channel: CHANNEL,
        triggerId: 'form-launch',
        responseUrl: w.fake.responseUrl(),
      }),
    );
    assert.equal(res.status, 200);
    await w.call('run #1’s notice', isNoticeOf(1));
  });
  after(() => w.close());

  /** Opens run #1's rerun form as `user` (one press per person: a second within 3 s is a double click). */
  async function rerunForm(user: string): Promise<SlackView> {
    const since = w.fake.calls.length;
    const press = buttonPress({
      actionId: ACTIONS.rerunForm,
      value: runIdOf(cards(w)[0]),
      user,
      channel: CHANNEL,
      actionTs: `${++seq}.5`,
      responseUrl: w.fake.responseUrl(),
    });
    assert.equal((await send(press)).status, 200);
    const call = await opened('the rerun form', since);
    assert.equal(call.args.trigger_id, `trig-${seq}.5`, 'opened with the press’s trigger_id');
    return w.viewOf(call);
  }

  it('"Rerun with changes" opens the run’s form, pre-filled with its values', async () => {
    const view = await rerunForm('UDAN');
    assert.equal(view.type, 'modal');
    assert.equal(view.callback_id, 'launch_form');
    assertSafeView(view as never);
    const json = JSON.stringify(view.blocks);
    assert.match(json, /"block_id":"param:epochs".*?"initial_value":"3"/);
    assert.match(json, /"block_id":"param:lr".*?"initial_value":"0.5"/);
    assert.deepEqual(JSON.parse(String(view.private_metadata)), {
      v: 1,
      template: 'demo',
      channel: CHANNEL,
      rerunOf: runIdOf(cards(w)[0]),
    });
  });

  it('shows every wrong value on its field and launches nothing until all are right; then launches once, as the submitter', async () => {
    const view = await rerunForm('UBOB');
    const before = cards(w).length;
    const wrong = await submit(view, { 'param:epochs': '0', 'param:lr': '-1', 'option:gpu': '1.5' });
    assert.equal(wrong.status, 200);
    assert.equal(wrong.body.response_action, 'errors');
    assert.match(
      wrong.body.errors?.['param:epochs'] ?? '',
      /^epochs must be a whole number from 1 to 1000, not "0"/,
    );
    assert.match(wrong.body.errors?.['param:lr'] ?? '', /^lr must be /);
    assert.equal(cards(w).length, before, 'nothing launched');

    const optionWrong = await submit(view, { 'param:epochs': '2', 'option:gpu': '1.5' });
    assert.match(optionWrong.body.errors?.['option:gpu'] ?? '', /--gpu/);
    assert.equal(cards(w).length, before, 'nothing launched');

    const good = await submit(view, { 'param:epochs': '4' });
    assert.deepEqual(good, { status: 200, body: {} }, 'an empty ack closes the form');
    const card = await w.call('run #2’s card', (c) => isCard(c) && String(c.args.text).includes('#2'));
    assert.match(String(card.args.text), /<@UBOB>/, 'launched as the submitter');
    const blocks = JSON.stringify(card.args.blocks);
    assert.match(blocks, /epochs=4 lr=0.5 epoch_seconds=0/, 'the run’s own values, with the change');

    // The same form sent again (Slack's answer was slow, a double submit): no second run.
    assert.deepEqual(await submit(view, { 'param:epochs': '4' }), { status: 200, body: {} });
    await w.call('run #2’s notice', isNoticeOf(2));
    assert.equal(cards(w).length, before + 1);
  });

  it('refuses a forged or stale submission on the form: metadata it did not write, a run or template that is gone', async () => {
    const view = await rerunForm('UERIN');
    const before = cards(w).length;
    const first = 'param:epochs';
    for (const [metadata, expected] of [
      ['not json', /not opened by this Trainyard/],
      [JSON.stringify({ v: 9, template: 'demo' }), /not opened by this Trainyard/],
      [
        JSON.stringify({ v: 1, template: 'demo', channel: CHANNEL, rerunOf: 'r-gone000000' }),
        /no longer known/,
      ],
      [
        JSON.stringify({ v: 1, template: 'vanished', channel: CHANNEL }),
        /There is no template vanished any more/,
      ],
    ] as const) {
      const res = await submit(
        { ...view, id: `V-forged-${++seq}`, private_metadata: metadata },
        { 'param:epochs': '2' },
      );
      assert.equal(res.body.response_action, 'errors', metadata);
      assert.match(res.body.errors?.[first] ?? '', expected, metadata);
    }
    // Not signed by Slack: refused before anything reads it.
    const unsigned = await sendSigned(
      w.events,
      viewSubmission({ view, values: formState(view, { 'param:epochs': '2' }) }),
      { secret: 'not-the-secret' },
    );
    assert.equal(unsigned.status, 401);
    assert.equal(cards(w).length, before);
  });

  it('/train new opens the template picker; choosing a template updates the form in place; submitting launches it here', async () => {
    const since = w.fake.calls.length;
    const res = await send(
      slashCommand('new', {
        user: 'UCAROL',
        channel: CHANNEL,
        triggerId: 'new-1',
        responseUrl: w.fake.responseUrl(),
      }),
    );
    assert.equal(res.status, 200);
    const picker = w.viewOf(await opened('the picker', since));
    assert.match(JSON.stringify(picker.blocks), /"action_id":"new_run_template"/);
    assert.doesNotMatch(JSON.stringify(picker.blocks), /param:epochs/);

    const pick = viewAction({
      user: 'UCAROL',
      view: picker,
      actionTs: `${++seq}.7`,
      action: { type: 'static_select', actionId: ACTIONS.pickTemplate, selected: 'demo' },
    });
    assert.equal((await send(pick)).status, 200);
    const update = await w.call('the form updated to demo', (c) => c.method === 'views.update');
    assert.equal(update.args.view_id, picker.id);
    assert.equal(update.args.hash, picker.hash, 'updated with the hash it was read at');
    const form = w.viewOf(update);
    assertSafeView(form as never);
    assert.match(JSON.stringify(form.blocks), /"block_id":"param:epochs"/);

    const before = cards(w).length;
    const good = await submit(
      form,
      { 'launch:template': 'demo', 'param:epochs': '3', 'param:epoch_seconds': '0' },
      'UCAROL',
    );
    assert.deepEqual(good, { status: 200, body: {} });
    const card = await w.call('the new run’s card', (c) => isCard(c) && cards(w).indexOf(c) >= before);
    assert.match(String(card.args.text), /<@UCAROL>/);
    assert.match(
      JSON.stringify(card.args.blocks),
      /epochs=3 lr=0.1 epoch_seconds=0/,
      'empty fields take the defaults',
    );
  });
});

const HOSTILE_TEMPLATE = `
description: "<!channel> *bold* \`tick\` &amp; <https://evil.example|click> <@U999>"
params:
  epochs: { type: int, default: 3, min: 1, max: 10, help: "<!here> \`\`\`x\`\`\`" }
  epoch_seconds: { type: float, default: 0, min: 0, max: 1 }
  note: { type: string, default: "<@U999|boss>", help: "&lt;!channel&gt; > quote" }
  mode: { type: enum, values: ["<!channel>", "&amp;", "\`x\`", "*b*"], default: "<!channel>" }
image: node:20-alpine
command: [node, train.mjs]
args: [--epochs, '{{epochs}}', --epoch-seconds, '{{epoch_seconds}}']
`;

describe('forms and the Home tab with hostile text in every field (issue 14)', { timeout: 120_000 }, () => {
  let w: SlackUiWorld;
  before(async () => {
    w = await SlackUiWorld.start({ templates: { hostile: HOSTILE_TEMPLATE } });
  });
  after(() => w.close());

  it('never lets a template’s text, a typed value or a run’s params become markup', async () => {
    const since = w.fake.calls.length;
    await sendSigned(
      w.events,
      slashCommand('new', {
        user: 'UHOST',
        channel: 'CHOST',
        triggerId: 'host-1',
        responseUrl: w.fake.responseUrl(),
      }),
      { secret: SECRET },
    );
    const picker = w.viewOf(
      await w.call('the picker', (c) => c.method === 'views.open' && w.fake.calls.indexOf(c) >= since),
    );
    assertSafeView(picker as never);
    await sendSigned(
      w.events,
      viewAction({
        user: 'UHOST',
        view: picker,
        actionTs: '77.1',
        action: { type: 'static_select', actionId: ACTIONS.pickTemplate, selected: 'hostile' },
      }),
      { secret: SECRET },
    );
    const form = w.viewOf(await w.call('the hostile form', (c) => c.method === 'views.update'));
    assertSafeView(form as never);

    const typed = {
      'launch:template': 'hostile',
      'param:note': '<!channel> ```\n<@U1>``` &amp; `x` \u001b[31m',
      'param:mode': '<!everyone>',
    };
    const refused = await sendSigned(
      w.events,
      viewSubmission({ user: 'UHOST', view: form, values: formState(form, typed) }),
      {
        secret: SECRET,
      },
    );
    const body = (await refused.json()) as { errors: Record<string, string> };
    assert.match(body.errors['param:mode'], /mode must be one of/);

    const before = w.fake.calls.length;
    const ok = await sendSigned(
      w.events,
      viewSubmission({
        user: 'UHOST',
        view: form,
        values: formState(form, { ...typed, 'param:mode': '`x`' }),
      }),
      { secret: SECRET },
    );
    assert.equal(await ok.text(), '');
    const card = await w.call(
      'the hostile run’s card',
      (c) =>
        c.method === 'chat.postMessage' && c.args.channel === 'CHOST' && w.fake.calls.indexOf(c) >= before,
    );
    assertSafeSlackMessage(card.args as never, ['UHOST']);
    await w.call('its notice', (c) => c.args.reply_broadcast === 'true' && c.args.channel === 'CHOST');

    const opened = w.fake.calls.length;
    await sendSignedJson(w.events, appHomeOpened({ user: 'UHOST', eventId: 'EvHost' }), { secret: SECRET });
    const home = w.viewOf(
      await w.call('the Home tab', (c) => c.method === 'views.publish' && w.fake.calls.indexOf(c) >= opened),
    );
    assertSafeView(home as never, ['UHOST']);
    for (const call of w.fake.calls.filter(
      (c) => c.method === 'chat.postMessage' || c.method === 'chat.update',
    ))
      assertSafeSlackMessage(call.args as never, ['UHOST']);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ACTIONS } from '../../src/core/actions.ts';
import type { RecordedCall } from '../support/slack-api.ts';
import {
  appHomeOpened,
  formState,
  sendSigned,
  sendSignedJson,
  slashCommand,
  viewAction,
  viewSubmission,
} from '../support/slack-requests.ts';
import { SECRET, SlackUiWorld } from '../support/slack-ui-world.ts';
import { assertSafeView } from '../support/view-checks.ts';

const USER = 'UHOME';
const publishesTo = (w: SlackUiWorld, user: string) =>
  w.fake.callsOf('views.publish').filter((c) => c.args.user_id === user);
const shows = (c: RecordedCall, text: string) =>
  JSON.stringify((c.args.view as { blocks: unknown }).blocks).includes(text);
const runIdIn = (c: RecordedCall) =>
  JSON.stringify(c.args.blocks).match(/"value":"(r-[a-z0-9]+)"/)?.[1] ?? '';

describe('the Home tab in Slack (issue 14)', { timeout: 120_000 }, () => {
  let w: SlackUiWorld;
  let seq = 0;
  const train = (text: string, user = USER, channel = 'CHOME') =>
    sendSigned(
      w.events,
      slashCommand(text, { user, channel, triggerId: `home-${++seq}`, responseUrl: w.fake.responseUrl() }),
      { secret: SECRET },
    );
  const open = (user: string, eventId = `Ev${++seq}`, tab: 'home' | 'messages' = 'home') =>
    sendSignedJson(w.events, appHomeOpened({ user, eventId, tab }), { secret: SECRET });
  const latestPublish = (
    user: string,
    since: number,
    what: string,
    match: (c: RecordedCall) => boolean = () => true,
  ) =>
    w.call(
      what,
      (c) =>
        c.method === 'views.publish' &&
        c.args.user_id === user &&
        w.fake.calls.indexOf(c) >= since &&
        match(c),
    );

  before(async () => {
    w = await SlackUiWorld.start({ homeRefreshMs: 200 });
    assert.equal((await train('demo epochs=3 epoch_seconds=0')).status, 200);
    await w.call(
      'run #1’s notice',
      (c) => c.method === 'chat.postMessage' && c.args.reply_broadcast === 'true',
    );
  });
  after(() => w.close());

  it('publishes the viewer’s Home tab when they open it, once per event, and not for the Messages tab', async () => {
    const since = w.fake.calls.length;
    assert.equal((await open(USER, 'EvOnce')).status, 200);
    const published = await latestPublish(USER, since, 'the Home tab');
    const view = w.viewOf(published);
    assert.equal(view.type, 'home');
    assertSafeView(view as never);
    for (const text of [
      'Your active runs',
      'Your recent results',
      '#1 demo',
      'Your schedules',
      'Launch a run',
    ])
      assert.ok(shows(published, text), `the tab shows ${text}`);
    // Slack retrying the same event, and the Messages tab: nothing more.
    await sendSignedJson(w.events, appHomeOpened({ user: USER, eventId: 'EvOnce' }), {
      secret: SECRET,
      retryNum: 1,
    });
    await open(USER, 'EvMessages', 'messages');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(publishesTo(w, USER).filter((c) => w.fake.calls.indexOf(c) >= since).length, 1);
  });

  it('refreshes when one of the viewer’s runs changes state; Stop pressed in the tab is answered on top of it', async () => {
    const since = w.fake.calls.length;
    await train('demo epochs=1000 epoch_seconds=0.05');
    const running = await latestPublish(USER, since, 'the tab showing run #2 running', (c) =>
      shows(c, 'Running'),
    );
    assert.ok(shows(running, '#2 demo'));
    const runId = JSON.stringify((running.args.view as { blocks: unknown }).blocks).match(
      /"action_id":"run_stop","value":"(r-[a-z0-9]+)"/,
    )?.[1];
    assert.ok(runId, 'the active run has its Stop button');

    const pressed = w.fake.calls.length;
    const home = w.viewOf(running);
    const stop = viewAction({
      user: USER,
      view: home,
      actionTs: `${++seq}.1`,
      action: { type: 'button', actionId: ACTIONS.stop, value: runId },
    });
    assert.equal((await sendSigned(w.events, stop, { secret: SECRET })).status, 200);
    const answered = await latestPublish(USER, pressed, 'the tab with the answer', (c) =>
      shows(c, 'Stopping run #2.'),
    );
    assert.ok(
      JSON.stringify(answered.args.view).indexOf('Stopping run #2.') <
        JSON.stringify(answered.args.view).indexOf('Your active runs'),
    );
    await latestPublish(USER, pressed, 'the tab showing run #2 stopped', (c) => shows(c, 'Stopped'));
    // No response_url exists for a press in the tab, and nothing went to a channel.
    assert.deepEqual(
      w.fake.calls.filter((c) => w.fake.calls.indexOf(c) >= pressed && c.method === 'chat.postEphemeral'),
      [],
    );
  });

  it('Launch in the tab opens the template’s form with a channel picker; the run goes to the chosen channel', async () => {
    const since = w.fake.calls.length;
    await open(USER);
    const tab = w.viewOf(await latestPublish(USER, since, 'the Home tab'));
    const press = viewAction({
      user: USER,
      view: tab,
      actionTs: `${++seq}.2`,
      action: { type: 'button', actionId: ACTIONS.launchForm, value: 'demo' },
    });
    await sendSigned(w.events, press, { secret: SECRET });
    const form = w.viewOf(
      await w.call('the launch form', (c) => c.method === 'views.open' && w.fake.calls.indexOf(c) >= since),
    );
    assert.match(JSON.stringify(form.blocks), /"block_id":"launch:channel"/);

    const noChannel = await sendSigned(
      w.events,
      viewSubmission({ user: USER, view: form, values: formState(form, {}) }),
      {
        secret: SECRET,
      },
    );
    assert.match(JSON.stringify(await noChannel.json()), /Choose the channel the run is posted in/);
    const res = await sendSigned(
      w.events,
      viewSubmission({
        user: USER,
        view: form,
        values: formState(form, {
          'launch:channel': 'CPICKED',
          'param:epochs': '2',
          'param:epoch_seconds': '0',
        }),
      }),
      { secret: SECRET },
    );
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '');
    const card = await w.call(
      'the card in the picked channel',
      (c) => c.method === 'chat.postMessage' && c.args.channel === 'CPICKED',
    );
    assert.ok(runIdIn(card));
  });
});

describe('Home tab refreshes are coalesced and only for recent viewers (issue 14)', {
  timeout: 120_000,
}, () => {
  let w: SlackUiWorld;
  before(async () => {
    // A refresh interval longer than the test: every refresh it asks for is still waiting at the end.
    w = await SlackUiWorld.start({ homeRefreshMs: 600_000 });
  });
  after(() => w.close());

  it('publishes once on opening, then at most one refresh per interval however many runs change; others never', async () => {
    await sendSignedJson(w.events, appHomeOpened({ user: USER, eventId: 'EvC1' }), { secret: SECRET });
    await w.call('the first publish', (c) => c.method === 'views.publish');
    for (const [i, user] of [USER, USER, USER, 'UNEVEROPENED'].entries()) {
      await sendSigned(
        w.events,
        slashCommand('demo epochs=3 epoch_seconds=0', {
          user,
          channel: 'CC',
          triggerId: `c-${i}`,
          responseUrl: w.fake.responseUrl(),
        }),
        { secret: SECRET },
      );
    }
    for (const n of [1, 2, 3, 4])
      await w.call(
        `run #${n}’s notice`,
        (c) => c.args.reply_broadcast === 'true' && String(c.args.text).includes(`run #${n} `),
      );
    assert.equal(publishesTo(w, USER).length, 1, 'the refresh waits for its interval');
    assert.equal(publishesTo(w, 'UNEVEROPENED').length, 0);
  });
});

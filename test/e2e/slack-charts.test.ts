import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodePng, readPngHeader } from '../support/png.ts';
import type { RecordedCall } from '../support/slack-api.ts';
import { sendSigned, slashCommand } from '../support/slack-requests.ts';
import { SECRET, SlackUiWorld } from '../support/slack-ui-world.ts';
import { assertSafeSlackMessage } from '../support/view-checks.ts';

const CHANNEL = 'CCHART';
const isNotice = (c: RecordedCall) => c.method === 'chat.postMessage' && c.args.reply_broadcast === 'true';
const titleOf = (c: RecordedCall) => (c.args.files as { title?: string }[] | undefined)?.[0]?.title ?? '';
const pngs = (w: SlackUiWorld) =>
  [...w.fake.uploadedBytes.values()].filter((b) => b.subarray(1, 4).toString('latin1') === 'PNG');

/** Dark pixels in a picture: a chart with lines and text has thousands, a blank one none. */
function ink(png: Buffer): number {
  const { rgba } = decodePng(png);
  let dark = 0;
  for (let i = 0; i < rgba.length; i += 4) if (rgba[i] + rgba[i + 1] + rgba[i + 2] < 300) dark++;
  return dark;
}

/**
 * Charts through the whole bot: signed /train commands into the real HTTP receiver, demo runs as
 * local processes, charts drawn in the render worker and uploaded to the fake Slack.
 */
describe('charts in Slack (issue 14)', { timeout: 120_000 }, () => {
  let w: SlackUiWorld;
  let trigger = 0;
  const train = (text: string, responseUrl = w.fake.responseUrl()) =>
    sendSigned(
      w.events,
      slashCommand(text, { user: 'UCHART', channel: CHANNEL, triggerId: `chart-${++trigger}`, responseUrl }),
      { secret: SECRET },
    );
  const answerTo = (id: string) =>
    w.call(`the answer ${id}`, (c) => c.method === 'response_url' && c.args.id === id);

  before(async () => {
    w = await SlackUiWorld.start();
  });
  after(() => w.close());

  it('posts a finished run’s chart as a real PNG in its card’s thread, after its completion notice', async () => {
    assert.equal((await train('demo epochs=6 epoch_seconds=0')).status, 200);
    const notice = await w.call('the completion notice', isNotice);
    const upload = await w.call(
      'the chart shared',
      (c) => c.method === 'files.completeUploadExternal' && titleOf(c).startsWith('Chart of run #1'),
    );
    const asked = w.fake
      .callsOf('files.getUploadURLExternal')
      .find((c) => String(c.args.filename).endsWith('.png')) as RecordedCall;
    const cardTs = w.fake.callsOf('chat.update').find((c) => c.args.channel === CHANNEL)?.args.ts;
    assert.equal(upload.args.channel_id, CHANNEL);
    assert.equal(upload.args.thread_ts, cardTs, 'the chart goes into the card’s thread');
    assert.equal(notice.args.thread_ts, cardTs);
    assert.ok(w.fake.calls.indexOf(notice) < w.fake.calls.indexOf(asked), 'the notice goes first');
    assert.match(String(asked.args.filename), /^r-[a-z0-9]+\.png$/);
    assert.match(
      String(asked.args.alt_text),
      /^Metrics of run #1 demo over its epochs: acc from .* \(6 points\)/,
    );

    const [png] = pngs(w);
    assert.ok(png, 'a PNG was uploaded, byte for byte');
    const { width, height } = readPngHeader(png);
    assert.deepEqual({ width, height }, { width: 960, height: 480 });
    assert.ok(ink(png) > 2000, 'the chart has lines and text');
    assertSafeSlackMessage(notice.args as never, ['UCHART']);
  });

  it('/train chart <run> draws the chart on demand into the card’s thread and tells the asker where it is', async () => {
    const before = pngs(w).length;
    assert.equal((await train('chart 1', w.fake.responseUrl('chart-1'))).status, 200);
    const told = await answerTo('chart-1');
    assert.equal(told.args.response_type, 'ephemeral');
    assert.match(String(told.args.text), /The chart of run #1 \*demo\* is in the thread of its card\./);
    assert.equal(pngs(w).length, before + 1);
  });

  it('/train chart on a run with fewer than 3 points says why there is no chart, and on no run which runs there are', async () => {
    assert.equal((await train('demo epochs=2 epoch_seconds=0')).status, 200);
    await w.call('run #2’s notice', (c) => isNotice(c) && /run #2/.test(String(c.args.text)));
    const uploads = w.fake.callsOf('files.completeUploadExternal').filter((c) => titleOf(c).includes('#2'));
    assert.deepEqual(uploads, [], 'two points draw no chart');

    await train('chart #2', w.fake.responseUrl('chart-2'));
    assert.match(
      String((await answerTo('chart-2')).args.text),
      /Run #2 has at most 2 points per metric so far; a chart needs at least 3 points of one metric/,
    );
    await train('chart 99', w.fake.responseUrl('chart-99'));
    assert.match(String((await answerTo('chart-99')).args.text), /There is no run #99/);
    await train('chart', w.fake.responseUrl('chart-none'));
    assert.match(
      String((await answerTo('chart-none')).args.text),
      /chart needs a run number, e\.g\. \/train chart 42/,
    );
  });
});

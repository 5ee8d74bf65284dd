import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Run } from '../../src/core/run/run.ts';
import { applyUpdate } from '../../src/core/run/status-machine.ts';
import { renderNotice } from '../../src/views/blocks/notice.ts';
import { renderRunCard } from '../../src/views/blocks/run-card.ts';
import { renderNoticeText } from '../../src/views/text/notice-text.ts';
import { renderRunCardText } from '../../src/views/text/run-card-text.ts';
import { type Harness, makeRun, podName, startHarness } from '../adapters/runtimes/kubernetes/harness.ts';
import { assertSafeSlackMessage, assertSafeTerminalText } from '../support/view-checks.ts';

/**
 * End to end from the cluster to what would be posted: the real Kubernetes runtime against the
 * fake API server reports a pod's waiting message and a container's termination message written
 * by a hostile job; the run goes through the status machine, and its card and failure notice
 * (Slack and console) show the text, neutralised.
 */

const LAUNCHER = 'U0LAUNCHER';
const HOSTILE = 'boom <!channel> <@U0ATTACKER> ``` <#C1|general> \u001b[2J\u001b[H\r';

/** The run after every update the runtime reported, as the hub would store it. */
function applied(h: Harness, initial: Run): Run {
  let run = initial;
  for (const { runId, update } of h.sink.updates) {
    if (runId !== run.id) continue;
    run = applyUpdate(run, update, update.at ?? new Date()) ?? run;
  }
  return run;
}

describe('hostile text from the cluster in cards and notices', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('neutralises a waiting message and a termination message in the card and the failure notice', async () => {
    h = await startHarness();
    const run = makeRun({ launchedBy: LAUNCHER });
    await h.runtime.submit(run);
    const pod = await podName(h, run.id);

    h.fake.waiting(pod, 'CreateContainerConfigError', `secret "${HOSTILE}" not found`);
    await h.sink.until('the waiting message', () => /not found/.test(h.sink.last(run.id)?.reason ?? ''));
    const pending = applied(h, run);
    assert.equal(pending.state, 'pending');
    assert.ok(pending.reason?.includes('<!channel>'), 'the store keeps the raw text');
    const pendingCard = renderRunCard(pending, new Date());
    assertSafeSlackMessage(pendingCard, [LAUNCHER]);
    assert.match(JSON.stringify(pendingCard.blocks), /boom &lt;!channel&gt; &lt;@U0ATTACKER&gt; ˋˋˋ/);

    h.fake.startContainer(pod);
    await h.sink.untilState(run.id, 'running');
    h.fake.log(pod, ['epoch 1/3 loss=0.5', HOSTILE, '```']);
    h.fake.terminate(pod, 1, 'Error', `Traceback\n${HOSTILE}`);
    await h.sink.untilState(run.id, 'failed');
    const failed = applied(h, run);
    assert.match(failed.reason ?? '', /<!channel>/);

    const tail = h.sink.linesOf(run.id);
    const card = renderRunCard(failed, new Date());
    const notice = renderNotice(failed, tail, new Date());
    assertSafeSlackMessage(card, [LAUNCHER]);
    assertSafeSlackMessage(notice, [LAUNCHER]);
    const noticeJson = JSON.stringify(notice);
    assert.ok(noticeJson.includes(`<@${LAUNCHER}>`), 'the launcher is still mentioned');
    assert.ok(noticeJson.includes('boom &lt;!channel&gt;'), 'the termination message is shown, escaped');
    assert.ok(!noticeJson.includes('<@U0ATTACKER>'), 'no mention the job wrote');

    assertSafeTerminalText(renderRunCardText(failed, new Date()));
    assertSafeTerminalText(renderNoticeText(failed, tail, new Date()));
  });
});

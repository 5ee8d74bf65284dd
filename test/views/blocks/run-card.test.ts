import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ACTIONS } from '../../../src/core/actions.ts';
import { codeBlock } from '../../../src/views/blocks/mrkdwn.ts';
import { renderNotice } from '../../../src/views/blocks/notice.ts';
import { renderRunCard } from '../../../src/views/blocks/run-card.ts';
import { assertSafeSlackMessage } from '../../support/view-checks.ts';
import { buttonsOf, makeRun } from './fixtures.ts';

const NOW = new Date('2026-11-28T10:03:10.000Z');
/** Within limits, and the only mentions are the fixtures' launcher (U123) and schedule owner (U7). */
const assertSafe = (msg: Parameters<typeof assertSafeSlackMessage>[0]) =>
  assertSafeSlackMessage(msg, ['U123', 'U7']);
const json = (x: unknown) => JSON.stringify(x);

describe('renderRunCard', () => {
  it('shows template, number, launcher, params, image, job, status, progress, metrics and elapsed time', () => {
    const card = renderRunCard(makeRun(), NOW);
    const all = json(card.blocks);
    for (const fact of [
      'resnet',
      '#42',
      '<@U123>',
      'epochs=30 lr=0.01',
      'ghcr.io/acme/resnet:1.2',
      'ml/resnet-42-x7k2',
    ]) {
      assert.ok(all.includes(fact), `card mentions ${fact}`);
    }
    assert.ok(all.includes('🏃 #42 resnet · Running'));
    assert.ok(all.includes('epoch 3/10 (30%)'));
    assert.ok(all.includes('██████'), 'progress bar');
    assert.ok(all.includes('loss=0.3121'));
    assert.ok(all.includes('Elapsed') && all.includes('3m 05s'));
    assert.match(card.text, /#42 resnet/);
    assertSafe(card);
  });

  it('has Stop (danger, with a confirm dialog), Rerun and Logs buttons carrying the run id', () => {
    const card = renderRunCard(makeRun(), NOW);
    const buttons = buttonsOf(card.blocks);
    assert.deepEqual(
      buttons.map((b) => b.action_id),
      [ACTIONS.stop, ACTIONS.rerun, ACTIONS.logs],
    );
    assert.ok(buttons.every((b) => b.value === 'r-abc123def4'));
    assert.equal(buttons[0].style, 'danger');
    assert.ok(buttons[0].confirm?.title.text.includes('#42'));
  });

  it('shows the main metric’s sparkline next to its latest value while the run goes, the objective first (issue 14)', () => {
    const history = [0.9, 0.7, 0.5, 0.4].map((loss, i) => ({
      at: i,
      step: i + 1,
      values: { loss, acc: 0.5 + i / 10 },
    }));
    const card = renderRunCard(
      makeRun({ history, metrics: { loss: 0.4, acc: 0.8 } }, { objective: { metric: 'acc', goal: 'max' } }),
      NOW,
    );
    assert.match(json(card.blocks), /\*Latest metrics\* · acc `▁▃▆█` 0\.8/);
    // Without an objective the first metric the log reported; one point draws no line.
    const plain = renderRunCard(makeRun({ history, metrics: { loss: 0.4, acc: 0.8 } }), NOW);
    assert.match(json(plain.blocks), /loss `█▅▂▁` 0\.4/);
    const one = renderRunCard(makeRun({ history: history.slice(0, 1) }), NOW);
    assert.doesNotMatch(json(one.blocks), /`[▁▂▃▄▅▆▇█]+`/);
    // An ended run's card shows the final values, not a trend.
    const ended = renderRunCard(
      makeRun({ history, state: 'succeeded', endedAt: '2026-11-28T10:01:05.000Z' }),
      NOW,
    );
    assert.match(json(ended.blocks), /\*Final metrics\*\\n`loss=/);
    assertSafe(card);
  });

  it('offers no Stop on an ended run and shows its duration and reason', () => {
    const run = makeRun({
      state: 'failed',
      endedAt: '2026-11-28T10:01:05.000Z',
      reason: 'The process exited with code 3.',
    });
    const card = renderRunCard(run, NOW);
    const buttons = buttonsOf(card.blocks);
    assert.deepEqual(
      buttons.map((b) => b.action_id),
      [ACTIONS.rerun, ACTIONS.rerunForm, ACTIONS.logs],
    );
    const all = json(card.blocks);
    assert.ok(all.includes('Duration') && all.includes('1m 00s'));
    assert.ok(all.includes('exited with code 3'));
    assert.ok(all.includes('❌'));
  });

  it('stays within Block Kit limits with huge params, metrics and names', () => {
    const params = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`param_${i}`, 'x'.repeat(500)]));
    const metrics = Object.fromEntries(
      Array.from({ length: 500 }, (_, i) => [`metric_${'m'.repeat(300)}_${i}`, i / 7]),
    );
    const run = makeRun({
      spec: { ...makeRun().spec, template: 't'.repeat(400), params, image: 'i'.repeat(5000) },
      metrics,
      reason: 'r'.repeat(10_000),
      state: 'failed',
      placement: { handle: 'h'.repeat(4000), namespace: 'n'.repeat(100) },
      schedule: 's'.repeat(3000),
    });
    assertSafe(renderRunCard(run, NOW));
  });

  it('escapes mrkdwn control characters in user-provided values', () => {
    const run = makeRun({ spec: { ...makeRun().spec, params: { note: '<!channel> & <@U999>' } } });
    const all = json(renderRunCard(run, NOW).blocks);
    assert.ok(!all.includes('<!channel>'));
    assert.ok(all.includes('&lt;!channel&gt; &amp; &lt;@U999&gt;'));
  });

  it('stays within limits for any params (property)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.oneof(fc.string({ maxLength: 4000 }), fc.double(), fc.boolean())),
        (params) => {
          assertSafe(renderRunCard(makeRun({ spec: { ...makeRun().spec, params } }), NOW));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('names the runtime, and says in a sentence what it leaves out', () => {
    const note =
      'The process runtime reserves no GPUs, so the 1 GPU this run asks for is not set aside for it.';
    const card = renderRunCard(
      makeRun({ runtime: 'process', runtimeNote: note, placement: { handle: 'pid 42' } }),
      NOW,
    );
    const all = json(card.blocks);
    assert.ok(all.includes('*Runtime*\\nprocess'), all);
    assert.ok(all.includes(`⚠️ ${note}`));
    assertSafe(card);
    assert.ok(
      !json(renderRunCard(makeRun(), NOW).blocks).includes('Runtime'),
      'runs stored before it was recorded',
    );
  });
});

describe('renderNotice', () => {
  it('mentions the launcher with end state, duration and final metrics', () => {
    const run = makeRun({ state: 'succeeded', endedAt: '2026-11-28T10:02:05.000Z' });
    const notice = renderNotice(run, ['ignored on success'], NOW);
    assert.match(notice.text, /<@U123> run #42 resnet succeeded after 2m 00s/);
    const all = json(notice.blocks);
    assert.ok(all.includes('Final metrics') && all.includes('acc=0.91'));
    assert.ok(!all.includes('ignored on success'));
    assertSafe(notice);
  });

  it('adds the reason and only the last 15 log lines on failure, even when lines are huge', () => {
    const run = makeRun({ state: 'failed', endedAt: '2026-11-28T10:02:05.000Z', reason: 'Out of memory.' });
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i} ${'z'.repeat(i === 99 ? 10_000 : 10)}`);
    const notice = renderNotice(run, lines, NOW);
    const all = json(notice.blocks);
    assert.ok(all.includes('Out of memory.'));
    assert.ok(all.includes('line 98') && !all.includes('line 84 '));
    assertSafe(notice);
  });
});

describe('who stopped a run and how long a lost run ran', () => {
  it('mentions whoever stopped the run (the id Trainyard stored), next to the reason', () => {
    const run = makeRun({ state: 'stopped', stoppedBy: 'U456', endedAt: '2026-11-28T10:01:05.000Z' });
    const card = renderRunCard(run, NOW);
    assert.ok(json(card.blocks).includes('Stopped by <@U456>.'));
    assertSafeSlackMessage(card, ['U123', 'U456']);
    const notice = renderNotice(run, [], NOW);
    assert.ok(json(notice.blocks).includes('*Reason:* Stopped by <@U456>.'));
  });

  it('shows a reason written with a mention as text, so only stored ids become mentions', () => {
    const run = makeRun({
      state: 'stopped',
      reason: 'stopped by <@U999>',
      endedAt: '2026-11-28T10:01:05.000Z',
    });
    assert.ok(json(renderRunCard(run, NOW).blocks).includes('stopped by &lt;@U999&gt;'));
  });

  it("counts a lost run's time until it was last seen, not the bot's downtime", () => {
    const run = makeRun({
      state: 'lost',
      startedAt: '2026-11-28T10:00:05.000Z',
      lastSeenAt: '2026-11-28T10:00:18.000Z',
      endedAt: '2026-11-28T10:02:05.000Z',
    });
    assert.match(renderNotice(run, [], NOW).text, /lost after 13s\./);
  });
});

describe('codeBlock', () => {
  it('keeps the newest lines that fit and marks the cut', () => {
    const block = codeBlock(
      Array.from({ length: 1000 }, (_, i) => `step ${i}`),
      200,
    ).mrkdwn;
    assert.ok(block.length <= 200);
    assert.ok(block.startsWith('```\n…\n') && block.endsWith('step 999\n```'));
  });

  it('never lets a log line close the fence early', () => {
    const block = codeBlock(['before', '``` injected', 'after']).mrkdwn;
    assert.equal(block.split('```').length - 1, 2);
  });
});

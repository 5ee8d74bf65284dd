import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ACTIONS } from '../../../src/core/actions.ts';
import type { Sweep } from '../../../src/core/sweep/sweep.ts';
import { renderReply } from '../../../src/views/blocks/reply.ts';
import { renderSweepCard } from '../../../src/views/blocks/sweep-card.ts';
import { renderSweepNotice } from '../../../src/views/blocks/sweep-notice.ts';
import { hostileText, hostileWord } from '../../support/hostile-text.ts';
import { assertSafeSlackMessage, assertWithinLimits } from '../../support/view-checks.ts';
import { makeSweep } from '../sweep-fixtures.ts';
import { buttonsOf } from './fixtures.ts';

const NOW = new Date('2026-11-28T10:05:00.000Z');
const json = (x: unknown) => JSON.stringify(x);

function finished(sweep: Sweep, state: Sweep['state'] = 'succeeded'): Sweep {
  return {
    ...sweep,
    state,
    endedAt: '2026-11-28T11:02:00.000Z',
    trials: sweep.trials.map((t) =>
      t.state === 'running' || t.state === 'queued' ? { ...t, state: 'succeeded', value: 0.6 } : t,
    ),
  };
}

describe('renderSweepCard', () => {
  it('shows template, algo, objective, trial counts, best so far and the leaderboard', () => {
    const card = renderSweepCard(makeSweep(), NOW);
    const all = json(card.blocks);
    for (const fact of [
      '🧪 Sweep #57 demo · Running',
      'acc ↑ (max)',
      'tpe · 4 at a time · median stopping · seed 7',
      '4 done · 2 running · 8 total (1 stopped early, 1 failed)',
      '<@U123>',
      'epochs=5',
      '5m 00s',
    ]) {
      assert.ok(all.includes(fact), `card mentions ${fact}`);
    }
    const table = (card.blocks as { text?: { text: string } }[]).find((b) => b.text?.text.startsWith('```'));
    assert.ok(table?.text);
    const lines = table.text.text.split('\n').slice(1, -1);
    assert.match(lines[0], /^ +trial +run +lr +opt +state +acc$/);
    // Sorted by acc, best first; ★ on the best succeeded trial; params that vary, not epochs.
    assert.match(lines[1], /^★ +2 +#101 +0\.02 +adam +succeeded +0\.87$/);
    assert.ok(lines.some((l) => /stopped early/.test(l)));
    assert.ok(!lines.join('\n').includes('epochs'));
    assert.match(card.text, /Sweep #57 demo/);
    assertWithinLimits(card);
  });

  it('has Stop sweep (danger, with a confirm) and Logs of best, carrying the sweep id', () => {
    const buttons = buttonsOf(renderSweepCard(makeSweep(), NOW).blocks);
    assert.deepEqual(
      buttons.map((b) => b.action_id),
      [ACTIONS.sweepStop, ACTIONS.sweepLogsOfBest],
    );
    assert.ok(buttons.every((b) => b.value === 's-abc123def4'));
    assert.equal(buttons[0].style, 'danger');
    assert.match(buttons[0].confirm?.title.text ?? '', /Stop sweep #57\?/);
  });

  it('offers no Stop once ended, and no Logs of best before a trial succeeded', () => {
    const ended = renderSweepCard(finished(makeSweep()), NOW);
    assert.deepEqual(
      buttonsOf(ended.blocks).map((b) => b.action_id),
      [ACTIONS.sweepLogsOfBest],
    );
    const fresh = renderSweepCard(makeSweep(0, { state: 'queued' }), NOW);
    assert.deepEqual(
      buttonsOf(fresh.blocks).map((b) => b.action_id),
      [ACTIONS.sweepStop],
    );
    assert.ok(json(fresh.blocks).includes('0 done · 0 running · 8 total'));
  });

  it('shows the ten best trials and counts the rest', () => {
    const card = renderSweepCard(makeSweep(40), NOW);
    const all = json(card.blocks);
    assert.ok(all.includes('…and 30 more trials.'));
    assertWithinLimits(card);
  });

  it('holds Block Kit limits for 1,000 trials with long values and many params', () => {
    const long = 'x'.repeat(500);
    const sweep = makeSweep(
      1000,
      {},
      {
        spaces: Array.from({ length: 12 }, (_, i) => ({
          param: `param_with_a_long_name_${i}`,
          space: { kind: 'list' as const, values: [long, 'b'] },
        })),
        fixed: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`fixed_${i}`, long])),
        metric: 'm'.repeat(40),
      },
    );
    for (const t of sweep.trials) {
      for (let i = 0; i < 12; i++) t.params[`param_with_a_long_name_${i}`] = `${long}${t.index}`;
    }
    for (const msg of [
      renderSweepCard(sweep, NOW),
      renderSweepNotice(finished(sweep), NOW),
      renderSweepNotice(finished(sweep, 'failed'), NOW),
      renderReply({ kind: 'sweeps', sweeps: Array.from({ length: 80 }, () => sweep) }, NOW),
    ]) {
      assertWithinLimits(msg);
      for (const b of msg.blocks as { type: string; text?: { text: string } }[]) {
        if (b.type === 'header') assert.ok((b.text?.text.length ?? 0) <= 150);
      }
    }
  });

  it('is the reply to status of a sweep', () => {
    assert.deepEqual(
      renderReply({ kind: 'sweep', sweep: makeSweep() }, NOW),
      renderSweepCard(makeSweep(), NOW),
    );
  });
});

describe('renderSweepNotice', () => {
  it('mentions the launcher, the best trial, its params and metric, the top five, and Rerun best', () => {
    const notice = renderSweepNotice(finished(makeSweep(12)), NOW);
    const all = json(notice.blocks);
    assert.ok(all.includes('🏁 <@U123> sweep #57 *demo* finished after 12 trials in 1h 02m.'));
    assert.ok(all.includes('*Best:* trial 2 (#101) with acc *0.87*'));
    assert.ok(all.includes('`lr=0.02 opt=adam`'));
    assert.ok(all.includes('*Top five*'));
    const table = (notice.blocks as { text?: { text: string } }[]).find((b) =>
      b.text?.text.startsWith('*Top five*'),
    );
    assert.equal(
      table?.text?.text.split('\n').length,
      1 + 2 + 5 + 1,
      'title, fence, header, five rows, fence',
    );
    const buttons = buttonsOf(notice.blocks);
    assert.deepEqual(
      buttons.map((b) => [b.action_id, b.value, b.style]),
      [[ACTIONS.sweepRerunBest, 's-abc123def4', 'primary']],
    );
    assert.equal(
      notice.text,
      '🏁 <@U123> sweep #57 demo finished after 12 trials in 1h 02m. Best: trial 2 (#101) acc 0.87.',
    );
    assertWithinLimits(notice);
  });

  it('says why a failed or stopped sweep ended, and offers no rerun without a best trial', () => {
    const failed = renderSweepNotice(
      {
        ...makeSweep(3),
        state: 'failed',
        endedAt: '2026-11-28T10:03:00.000Z',
        reason: 'its first 3 trials failed, so no more were started (trial 1: exit code 1)',
        trials: makeSweep(3).trials.map((t) => ({ ...t, state: 'failed' as const, value: undefined })),
      },
      NOW,
    );
    const all = json(failed.blocks);
    assert.ok(all.includes('❌ <@U123> sweep #57 *demo* failed after 3 trials in 3m 00s.'));
    assert.ok(all.includes('*Reason:* its first 3 trials failed'));
    assert.ok(all.includes('No trial succeeded, so there is no best trial to rerun.'));
    assert.deepEqual(buttonsOf(failed.blocks), []);
    const stopped = renderSweepNotice(
      { ...finished(makeSweep()), state: 'stopped', stopRequest: { by: 'U9', at: NOW.toISOString() } },
      NOW,
    );
    assert.ok(json(stopped.blocks).includes('was stopped after 6 trials'));
    assert.ok(json(stopped.blocks).includes('*Reason:* Stopped by <@U9>.'));
    assertSafeSlackMessage(stopped, ['U123', 'U9']);
  });
});

describe('sweep views and text from outside Trainyard', () => {
  it('never lets a param value, metric, template name or reason become markup, and keeps the limits', () => {
    fc.assert(
      fc.property(
        hostileText(),
        hostileText(),
        hostileWord(),
        hostileWord(),
        hostileWord(),
        fc.option(hostileText(), { nil: undefined }),
        (value, fixed, metric, template, param, reason) => {
          const base = makeSweep(12, { template }, { metric, fixed: { note: fixed } });
          const sweep: Sweep = {
            ...base,
            ...(reason === undefined ? {} : { reason }),
            definition: {
              ...base.definition,
              spaces: [...base.definition.spaces, { param, space: { kind: 'list', values: [value, 'b'] } }],
            },
            trials: base.trials.map((t) => ({ ...t, params: { ...t.params, [param]: value, note: fixed } })),
          };
          for (const msg of [
            renderSweepCard(sweep, NOW),
            renderSweepNotice(finished(sweep), NOW),
            renderSweepNotice(finished(sweep, 'failed'), NOW),
            renderReply({ kind: 'sweeps', sweeps: [sweep] }, NOW),
          ]) {
            assertSafeSlackMessage(msg, ['U123']);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

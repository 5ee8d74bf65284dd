import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderReplyText } from '../../../src/views/text/reply-text.ts';
import {
  renderSweepCardText,
  renderSweepNoticeText,
  renderSweepsText,
} from '../../../src/views/text/sweep-text.ts';
import { assertSafeTerminalText } from '../../support/view-checks.ts';
import { makeSweep } from '../sweep-fixtures.ts';

const NOW = new Date('2026-11-28T10:05:00.000Z');

describe('sweep text views', () => {
  it('draws the card as aligned lines: facts, the leaderboard, and how to stop it', () => {
    const lines = renderSweepCardText(makeSweep(14), NOW);
    assert.equal(lines[0], '🧪 Sweep #57 demo · Running');
    assert.equal(lines[1], '   acc ↑ (max)  ·  tpe · 4 at a time · median stopping · seed 7');
    assert.match(lines[2], /^ {3}trials: \d+ done · \d+ running · 14 total/);
    assert.match(lines[3], /^ {3}best so far: trial \d+ \(#\d+\) acc 0\.\d+$/);
    assert.equal(lines[4], '   same for every trial: epochs=5');
    assert.equal(lines[5], '      trial  run   lr    opt   state          acc');
    assert.ok(
      lines.some((l) => /^ {3}★ +13 +#112 /.test(l)),
      'the best succeeded trial is starred',
    );
    assert.ok(lines.includes('   …and 4 more trials'));
    assert.equal(lines.at(-1), '   stop: /train stop 57');
    assert.equal(renderReplyText({ kind: 'sweep', sweep: makeSweep(14) }, NOW), lines.join('\n'));
  });

  it('says "took" for an ended sweep and "elapsed" for one still going, by its state as the Slack card does', () => {
    // A sweep that ended without an end time (a record from before endedAt was kept).
    const ended = renderSweepCardText({ ...makeSweep(6), state: 'failed' }, NOW);
    assert.ok(
      ended.some((l) => /^ {3}took \S/.test(l)),
      ended.join('\n'),
    );
    assert.ok(!ended.some((l) => l.includes('/train stop')), 'an ended sweep cannot be stopped');
    const going = renderSweepCardText({ ...makeSweep(6), endedAt: '2026-11-28T10:30:00.000Z' }, NOW);
    assert.ok(
      going.some((l) => /^ {3}elapsed \S/.test(l)),
      going.join('\n'),
    );
    assert.equal(going.at(-1), '   stop: /train stop 57');
  });

  it('writes the notice with the best trial, the top five and the command to rerun it', () => {
    const sweep = {
      ...makeSweep(6),
      state: 'succeeded' as const,
      endedAt: '2026-11-28T10:30:00.000Z',
    };
    const lines = renderSweepNoticeText(sweep, NOW);
    assert.equal(lines[0], '🏁 @U123 sweep #57 demo finished after 6 trials in 30m 00s.');
    assert.equal(lines[1], '   best: trial 2 (#101) acc 0.87  lr=0.02 opt=adam');
    assert.equal(lines[2], '   top five:');
    assert.equal(lines.at(-1), '   rerun the best: /train demo epochs=5 lr=0.02 opt=adam');
  });

  it('says who stopped a sweep, and shows reasons and names safe for a terminal', () => {
    const sweep = {
      ...makeSweep(3, { template: 'de\u001b[2Jmo' }, { metric: 'a\nb' }),
      state: 'failed' as const,
      endedAt: '2026-11-28T10:30:00.000Z',
      reason: 'no trial succeeded (trial 1: boom \u001b]0;owned\u0007)',
    };
    const lines = renderSweepCardText(sweep, NOW);
    assert.ok(lines.includes('   no trial succeeded (trial 1: boom )'), lines.join('\n'));
    assertSafeTerminalText(lines);
    assertSafeTerminalText(renderSweepNoticeText(sweep, NOW));
    const stopped = {
      ...makeSweep(3),
      state: 'stopped' as const,
      stopRequest: { by: 'U9', at: sweep.endedAt },
    };
    assert.ok(renderSweepCardText(stopped, NOW).includes('   stopped by @U9.'));
  });

  it('lists sweeps one per line', () => {
    assert.match(
      renderSweepsText([makeSweep(6)], NOW),
      /^🧪 Sweep #57 demo · Running {2}4 done · 2 running · 8 total/,
    );
    assert.match(renderSweepsText([], NOW), /^No sweeps yet/);
  });
});

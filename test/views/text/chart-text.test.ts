import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  renderChartSavedText,
  renderFormHintText,
  renderNoChartText,
} from '../../../src/views/text/chart-text.ts';
import { renderNoticeText, renderSparklinesText } from '../../../src/views/text/notice-text.ts';
import { renderReplyText } from '../../../src/views/text/reply-text.ts';
import { renderRunCardText } from '../../../src/views/text/run-card-text.ts';
import { makeRun } from '../../support/make-run.ts';

const NOW = new Date('2026-11-28T10:03:10.000Z');
const history = [0.69, 0.5, 0.31, 0.2, 0.12].map((loss, i) => ({
  at: i,
  step: i + 1,
  values: { loss, acc: 0.5 + i / 10 },
}));

describe('console charts (issue 14)', () => {
  it('a finished run’s notice has a sparkline per metric, objective first, aligned, with first and last values', () => {
    const run = makeRun(
      { state: 'succeeded', history, metrics: { loss: 0.12, acc: 0.9 }, endedAt: '2026-11-28T10:02:00.000Z' },
      { objective: { metric: 'acc', goal: 'max' } },
    );
    const lines = renderNoticeText(run, [], NOW);
    assert.deepEqual(lines.slice(-2), [
      '   acc   ▁▃▄▆█  0.5 → 0.9 (5 points)',
      '   loss  █▆▃▂▁  0.69 → 0.12 (5 points)',
    ]);
  });

  it('has no sparklines for a run with fewer than 3 points of every metric', () => {
    const run = makeRun({
      state: 'succeeded',
      history: history.slice(0, 2),
      endedAt: '2026-11-28T10:02:00.000Z',
    });
    assert.deepEqual(renderSparklinesText(run), []);
  });

  it('the live card shows the main metric’s trend; the chart answer shows each metric', () => {
    const run = makeRun({ history, metrics: { loss: 0.12, acc: 0.9 } });
    assert.ok(renderRunCardText(run, NOW).includes('   loss █▆▃▂▁ 0.12'));
    assert.match(renderReplyText({ kind: 'chart', run }, NOW), /^📈 #\d+ \S+\n {3}loss {2}█▆▃▂▁/);
  });

  it('names the saved picture, and says in one faint line (on a terminal) why there is none', () => {
    assert.equal(renderChartSavedText('data/charts/r-1.png'), '   📈 chart: data/charts/r-1.png');
    assert.equal(
      renderNoChartText('Chart of run #3 (demo)', 'drawing the chart took longer than 10000 ms', true),
      '\u001b[2m   (Chart of run #3 (demo): no picture, drawing the chart took longer than 10000 ms)\u001b[22m',
    );
    assert.doesNotMatch(renderNoChartText('t', 'r', false), /\u001b/);
  });

  it('says what to type instead of a form', () => {
    assert.equal(
      renderFormHintText(['demo', 'resnet']),
      'Forms open in Slack; here, type /train <template> name=value … ("/train templates" lists the params). 2 templates you may launch here: demo, resnet.',
    );
  });
});

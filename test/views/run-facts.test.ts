import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderNotice } from '../../src/views/blocks/notice.ts';
import { renderRunCard } from '../../src/views/blocks/run-card.ts';
import { formatBytes } from '../../src/views/run-facts.ts';
import { renderNoticeText } from '../../src/views/text/notice-text.ts';
import { renderRunCardText } from '../../src/views/text/run-card-text.ts';
import { makeRun } from '../support/make-run.ts';
import { assertSafeSlackMessage, assertSafeTerminalText } from '../support/view-checks.ts';

const NOW = new Date('2026-11-28T10:03:10.000Z');

/** A step run of a pipeline that set outputs and left artifacts. */
const stepRun = makeRun({
  number: 45,
  state: 'succeeded',
  launchedBy: 'U123',
  startedAt: '2026-11-28T10:00:00.000Z',
  endedAt: '2026-11-28T10:01:00.000Z',
  outputs: { rows: '1600', file: 'samples.json' },
  origin: { kind: 'pipeline', pipelineId: 'p-1', pipelineNumber: 41, step: 'prep' },
  artifacts: {
    kept: true,
    files: [
      { name: 'samples.json', size: 33_412 },
      { name: 'test.json', size: 8_400 },
    ],
    count: 23,
  },
});

describe('outputs, origin and artifacts on cards and notices', () => {
  it('the Slack card shows the outputs and names the origin in its footer', () => {
    const card = renderRunCard(stepRun, NOW);
    const all = JSON.stringify(card.blocks);
    assert.ok(all.includes('*Outputs*\\n`rows=1600 file=samples.json`'));
    assert.ok(all.includes('From pipeline #41 step prep'));
    assertSafeSlackMessage(card, ['U123']);
  });

  it('the console card shows the same', () => {
    const lines = renderRunCardText(stepRun, NOW);
    assert.ok(lines.includes('   from pipeline #41 step prep'));
    assert.ok(lines.includes('   outputs: rows=1600 file=samples.json'));
    for (const line of lines) assertSafeTerminalText(line);
  });

  it('a notice lists the artifacts with their sizes, and how many more there are', () => {
    const text = renderNoticeText(stepRun, [], NOW);
    assert.ok(text.includes('   artifacts: samples.json (33.4 kB), test.json (8.4 kB), and 21 more files'));
    const slack = JSON.stringify(renderNotice(stepRun, [], NOW).blocks);
    assert.ok(slack.includes('samples.json (33.4 kB), test.json (8.4 kB), and 21 more files'));
  });

  it('a notice says when artifacts are not kept (Kubernetes without a claim)', () => {
    const run = { ...stepRun, artifacts: { kept: false } };
    assert.ok(
      renderNoticeText(run, [], NOW).some((l) => /Artifacts are not kept: TRAINYARD_ARTIFACTS_CLAIM/.test(l)),
    );
    assert.match(JSON.stringify(renderNotice(run, [], NOW).blocks), /Artifacts are not kept/);
  });

  it('a rerun names the run it repeats, even once that run is no longer kept', () => {
    const rerun = makeRun({ origin: { kind: 'rerun', runId: 'r-gone000000', runNumber: 12 } });
    assert.ok(renderRunCardText(rerun, NOW).includes('   from rerun of #12'));
  });

  it('formats sizes as people read them', () => {
    assert.deepEqual([0, 999, 1000, 33_412, 999_999, 1_500_000, 120_000_000_000].map(formatBytes), [
      '0 B',
      '999 B',
      '1.0 kB',
      '33.4 kB',
      '1.0 MB',
      '1.5 MB',
      '120 GB',
    ]);
  });
});

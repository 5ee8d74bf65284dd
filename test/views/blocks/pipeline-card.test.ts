import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_LISTED_ARTIFACTS } from '../../../src/core/run/run.ts';
import { renderPipelineCard, renderPipelineNotice } from '../../../src/views/blocks/pipeline-card.ts';
import { renderPipelineNoticeText } from '../../../src/views/text/pipeline-text.ts';
import { assertSafeSlackMessage } from '../../support/view-checks.ts';
import { lookup, NOW, pipelineRecord, STEP_RUNS } from '../pipeline-fixtures.ts';

/** The users Trainyard itself mentions in these messages: the launcher and whoever stopped. */
const OWN_MENTIONS = ['U123', 'U9'];

const textOf = (msg: { blocks: unknown[] }) => JSON.stringify(msg.blocks);

/** The mrkdwn of every section, joined. */
function sections(msg: { blocks: unknown[] }): string {
  return (msg.blocks as Array<{ type: string; text?: { text: string } }>)
    .filter((b) => b.type === 'section' && b.text)
    .map((b) => b.text?.text)
    .join('\n');
}

describe('renderPipelineCard', () => {
  it('shows one line per step: state, runs, duration, key outputs (the best run of a matrix)', () => {
    const msg = renderPipelineCard(pipelineRecord(), lookup(), NOW);
    assertSafeSlackMessage(msg, OWN_MENTIONS);
    const lines = sections(msg).split('\n');
    assert.ok(
      lines.includes('✅ *prep* · succeeded · #58 · 3s · `rows=2000 path=samples.json`'),
      sections(msg),
    );
    assert.ok(
      lines.includes(
        '🏃 *train* · 3 runs: 2 succeeded, 1 running · #59 #60 #61 · 15s · best #60 `loss=0.12 weights=4,5,6`',
      ),
      sections(msg),
    );
    assert.ok(lines.includes('⏳ *eval* · waiting'), sections(msg));
    assert.match(textOf(msg), /🏃 Pipeline #57 demo-pipeline · Running/);
    assert.match(textOf(msg), /<@U123>/);
    assert.match(msg.text, /^🏃 Pipeline #57 demo-pipeline · Running, by <@U123>, elapsed 20s$/);
  });

  it('says why steps were skipped, naming who stopped the pipeline with a mention', () => {
    const msg = renderPipelineCard(
      pipelineRecord({
        stop: { by: 'U9' },
        steps: {
          prep: { state: 'succeeded', runId: 'r-prep', outputs: {} },
          'train#1': { state: 'stopped', runId: 'r-t1', reason: 'stopped' },
          'train#2': {
            state: 'skipped',
            reason: 'skipped: pipeline stopped by @U9',
            cause: { kind: 'pipeline-stopped', by: 'U9' },
          },
          'train#3': {
            state: 'skipped',
            reason: 'skipped: pipeline stopped by @U9',
            cause: { kind: 'pipeline-stopped', by: 'U9' },
          },
          eval: {
            state: 'skipped',
            reason: 'skipped: pipeline stopped by @U9',
            cause: { kind: 'pipeline-stopped', by: 'U9' },
          },
        },
        end: { state: 'stopped', reason: 'stopped by @U9' },
        endedAt: '2026-11-28T10:00:20.000Z',
      }),
      lookup(),
      NOW,
    );
    assertSafeSlackMessage(msg, OWN_MENTIONS);
    const text = sections(msg);
    assert.match(text, /⏭️ \*eval\* · skipped · skipped: pipeline stopped by <@U9>/);
    assert.match(text, /⏹️ \*train\* · 3 runs: 1 stopped, 2 skipped · #59 · 10s · train#1: stopped/);
    assert.match(textOf(msg), /stopped by <@U9>/);
    assert.match(textOf(msg), /Pipeline #57 demo-pipeline · Stopped/);
  });

  it('escapes step names, outputs and reasons that came from YAML or jobs', () => {
    const msg = renderPipelineCard(
      pipelineRecord({
        steps: {
          prep: { state: 'succeeded', runId: 'r-prep', outputs: { note: '<!channel> `x` & <@U1>' } },
          'train#1': { state: 'failed', runId: 'r-t1', reason: 'OOMKilled <!here>' },
        },
      }),
      lookup(),
      NOW,
    );
    assertSafeSlackMessage(msg, OWN_MENTIONS);
    const text = sections(msg);
    assert.ok(text.includes('`note=&lt;!channel&gt; ˋxˋ &amp; &lt;@U1&gt;`'), text);
    assert.ok(text.includes('train#1: OOMKilled &lt;!here&gt;'), text);
  });
});

describe('renderPipelineNotice', () => {
  it('mentions the launcher and lists the final outputs on success', () => {
    const msg = renderPipelineNotice(
      pipelineRecord({
        steps: {
          ...pipelineRecord().steps,
          'train#3': { state: 'succeeded', runId: 'r-t3', outputs: { loss: '0.5' } },
          eval: { state: 'succeeded', runId: 'r-eval', outputs: { test_acc: '0.93' } },
        },
        end: { state: 'succeeded' },
        endedAt: '2026-11-28T10:01:05.000Z',
      }),
      lookup(),
      [],
      NOW,
    );
    assertSafeSlackMessage(msg, OWN_MENTIONS);
    assert.equal(msg.text, '✅ <@U123> pipeline #57 demo-pipeline succeeded after 1m 05s.');
    assert.match(sections(msg), /\*Outputs\*\n\*eval\* #62: `test_acc=0.93`/);
  });

  it('names the failed step, its reason and its last log lines', () => {
    const msg = renderPipelineNotice(
      pipelineRecord({
        steps: {
          ...pipelineRecord().steps,
          eval: { state: 'failed', runId: 'r-eval', reason: 'exit code 1' },
        },
        end: { state: 'failed', step: 'eval', key: 'eval', reason: 'exit code 1' },
        endedAt: '2026-11-28T10:00:31.000Z',
      }),
      lookup(),
      ['Traceback (most recent call last):', 'ValueError: ``` <!channel>'],
      NOW,
    );
    assertSafeSlackMessage(msg, OWN_MENTIONS);
    const text = sections(msg);
    assert.match(text, /\*Failed step:\* \*eval\* \(run #62\)\n\*Reason:\* exit code 1/);
    assert.match(text, /\*Last 2 log lines\*\n```\nTraceback[^\n]*\nValueError: ˋˋˋ &lt;!channel&gt;\n```/);
  });
});

describe('the pipeline notice lists its step runs’ artifacts', () => {
  const withArtifacts = (runs: typeof STEP_RUNS) =>
    runs.map((r) =>
      r.id === 'r-prep'
        ? { ...r, artifacts: { kept: true, files: [{ name: 'samples.json', size: 33_412 }], count: 1 } }
        : r.id === 'r-t1'
          ? { ...r, artifacts: { kept: true, files: [{ name: '<!channel>.json', size: 12 }], count: 3 } }
          : r,
    );

  it('step by step, with sizes, names escaped, and a note when none are kept', () => {
    const record = pipelineRecord({ end: { state: 'succeeded' } });
    const runs = withArtifacts(STEP_RUNS);
    const msg = renderPipelineNotice(record, lookup(runs), [], NOW);
    assertSafeSlackMessage(msg, OWN_MENTIONS);
    const text = sections(msg);
    assert.ok(text.includes('*Artifacts*'), text);
    assert.ok(text.includes('*prep* #58: `samples.json (33.4 kB)`'), text);
    assert.ok(text.includes('*train#1* #59: `&lt;!channel&gt;.json (12 B), and 2 more files`'), text);
    const unkept = STEP_RUNS.map((r) => ({ ...r, artifacts: { kept: false } }));
    assert.match(textOf(renderPipelineNotice(record, lookup(unkept), [], NOW)), /Artifacts are not kept/);
    const lines = renderPipelineNoticeText(record, lookup(runs), [], NOW);
    assert.ok(lines.includes('     prep #58: samples.json (33.4 kB)'), lines.join('\n'));
  });

  it('says how many files a step left once earlier steps used up the listing, without a stray ", and"', () => {
    const record = pipelineRecord({ end: { state: 'succeeded' } });
    const many = Array.from({ length: MAX_LISTED_ARTIFACTS }, (_, i) => ({
      name: `part-${i}.bin`,
      size: 10,
    }));
    const runs = withArtifacts(STEP_RUNS).map((r) =>
      r.id === 'r-prep' ? { ...r, artifacts: { kept: true, files: many, count: MAX_LISTED_ARTIFACTS } } : r,
    );
    const text = sections(renderPipelineNotice(record, lookup(runs), [], NOW));
    assert.ok(text.includes('*train#1* #59: `3 files (not listed)`'), text);
    const lines = renderPipelineNoticeText(record, lookup(runs), [], NOW);
    assert.ok(lines.includes('     train#1 #59: 3 files (not listed)'), lines.join('\n'));
  });
});

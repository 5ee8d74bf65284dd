import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderPipelineCardText, renderPipelineNoticeText } from '../../../src/views/text/pipeline-text.ts';
import { assertSafeTerminalText } from '../../support/view-checks.ts';
import { lookup, NOW, pipelineRecord } from '../pipeline-fixtures.ts';

describe('renderPipelineCardText', () => {
  it('prints the same facts as the Slack card, one line per step', () => {
    assert.deepEqual(renderPipelineCardText(pipelineRecord(), lookup(), NOW), [
      '🏃 pipeline #57 demo-pipeline  Running',
      '   params: rows=2000',
      '   ✅ prep · succeeded · #58 · 3s · rows=2000 path=samples.json',
      '   🏃 train · 3 runs: 2 succeeded, 1 running · #59 #60 #61 · 15s · best #60 loss=0.12 weights=4,5,6',
      '   ⏳ eval · waiting',
      '   elapsed 20s  ·  by @U123',
    ]);
  });

  it('keeps job text on one line', () => {
    const lines = renderPipelineCardText(
      pipelineRecord({
        steps: { prep: { state: 'failed', runId: 'r-prep', reason: 'bad\nthing\u001b[31m' } },
      }),
      lookup(),
      NOW,
    );
    assertSafeTerminalText(lines);
    assert.ok(lines.includes('   ❌ prep · failed · #58 · 3s · bad ↵ thing'), lines.join('\n'));
  });
});

describe('renderPipelineNoticeText', () => {
  it('names the failed step, its reason and the last log lines', () => {
    const lines = renderPipelineNoticeText(
      pipelineRecord({
        end: { state: 'failed', step: 'train', key: 'train#3', reason: 'exit code 2' },
        endedAt: '2026-11-28T10:00:40.000Z',
      }),
      lookup(),
      ['loading', 'boom'],
      NOW,
    );
    assert.deepEqual(lines, [
      '❌ @U123 pipeline #57 demo-pipeline failed after 40s.',
      '   failed step: train#3',
      '   reason: exit code 2',
      '   last log lines:',
      '   │ loading',
      '   │ boom',
    ]);
  });

  it('lists final outputs, and the stop with who stopped it', () => {
    const lines = renderPipelineNoticeText(
      pipelineRecord({
        stop: { by: 'U9' },
        steps: {
          ...pipelineRecord().steps,
          eval: { state: 'succeeded', runId: 'r-eval', outputs: { acc: '0.9' } },
        },
        end: { state: 'stopped', reason: 'stopped by @U9' },
        endedAt: '2026-11-28T10:00:40.000Z',
      }),
      lookup(),
      [],
      NOW,
    );
    assert.deepEqual(lines, [
      '⏹️ @U123 pipeline #57 demo-pipeline stopped after 40s.',
      '   eval #62: acc=0.9',
      '   reason: stopped by @U9',
    ]);
  });
});

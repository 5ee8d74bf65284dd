import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lineageTree } from '../../src/core/lineage/lineage-tree.ts';
import type { Pipeline } from '../../src/core/pipeline/pipeline.ts';
import { renderReply } from '../../src/views/blocks/reply.ts';
import { renderReplyText } from '../../src/views/text/reply-text.ts';
import { makeRun } from '../support/make-run.ts';
import { assertSafeSlackMessage, assertSafeTerminalText } from '../support/view-checks.ts';
import { NOW, pipelineRecord, STEP_RUNS } from './pipeline-fixtures.ts';

describe('replies about pipelines and lineage', () => {
  it('status on a pipeline number answers with the pipeline card, from the runs given with it', () => {
    const reply = { kind: 'pipeline' as const, pipeline: pipelineRecord(), runs: STEP_RUNS };
    const slack = renderReply(reply, NOW);
    assertSafeSlackMessage(slack, ['U123']);
    assert.match(JSON.stringify(slack.blocks), /Pipeline #57 demo-pipeline/);
    assert.match(JSON.stringify(slack.blocks), /#58/);
    const text = renderReplyText(reply, NOW);
    assert.match(text, /pipeline #57 demo-pipeline/);
    assert.match(text, /prep · succeeded · #58/);
  });

  it('lineage answers with the tree in both chats', () => {
    const prep = makeRun({
      id: 'r-prep000001',
      number: 2,
      state: 'succeeded',
      lineage: {
        template: { name: 'prep', hash: 'ab'.repeat(32) },
        origin: { kind: 'pipeline', pipelineId: 'p-1', pipelineNumber: 1, step: 'prep' },
        inputs: [],
        code: { repo: 'https://x:secret@git.example.com/r.git', ref: 'main' },
        commit: 'c'.repeat(40),
      },
    });
    const evaluate = makeRun({
      id: 'r-eval000001',
      number: 3,
      state: 'succeeded',
      lineage: {
        template: { name: 'evaluate', hash: 'cd'.repeat(32) },
        origin: { kind: 'pipeline', pipelineId: 'p-1', pipelineNumber: 1, step: 'eval' },
        inputs: [prep.id],
      },
    });
    const runs = new Map([prep, evaluate].map((r) => [r.id, r]));
    const reply = { kind: 'lineage' as const, tree: lineageTree(evaluate.id, (id) => runs.get(id)) };
    const text = renderReplyText(reply, NOW);
    assert.match(text, /#3 evaluate@cdcdcdcd/);
    assert.match(text, /└─ ✅ #2 prep@abababab/);
    assert.match(
      text,
      /code https:\/\/\*\*\*@git\.example\.com\/r\.git@main · commit cccccccccccc · pipeline #1 step prep/,
    );
    assert.doesNotMatch(text, /secret/);
    for (const line of text.split('\n')) assertSafeTerminalText(line);
    const slack = renderReply(reply, NOW);
    assertSafeSlackMessage(slack);
    assert.doesNotMatch(JSON.stringify(slack), /secret/);
  });

  it('templates lists the pipelines after the templates', () => {
    const pipeline: Pipeline = pipelineRecord().pipeline;
    const reply = {
      kind: 'templates' as const,
      templates: [],
      pipelines: [{ ...pipeline, description: '<!here> flows' }],
    };
    const text = renderReplyText(reply, NOW);
    assert.match(text, /^demo-pipeline \(pipeline\)/);
    assert.match(text, /steps: prep → train → eval/);
    const slack = renderReply(reply, NOW);
    assertSafeSlackMessage(slack);
    assert.match(JSON.stringify(slack.blocks), /&lt;!here&gt; flows/);
  });
});

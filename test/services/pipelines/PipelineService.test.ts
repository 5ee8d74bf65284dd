import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { LineageNode } from '../../../src/core/lineage/lineage-tree.ts';
import { sentenceText } from '../../../src/core/sentence.ts';
import type { Policy } from '../../../src/ports/policy.ts';
import { eventually } from '../../support/eventually.ts';
import { alice, bob, close, settle, testPolicy, type World, world } from '../../support/hub-world.ts';
import { DEMO_LINES, finish, instantBuilder, launchDemo, record, submittedStep } from './pipeline-world.ts';

/** Every run number in a lineage tree, depth first. */
function numbers(node: LineageNode): number[] {
  if (node.kind !== 'run') return [];
  return [node.run.number, ...node.inputs.flatMap(numbers)];
}

describe('Pipelines in the hub', () => {
  let w: World;
  beforeEach(async () => {
    w = await world(mkdtempSync(join(tmpdir(), 'trainyard-pipeline-')), { builder: instantBuilder });
  });
  afterEach(async () => {
    await close(w);
    rmSync(w.dir, { recursive: true, force: true });
  });

  it('runs the demo pipeline end to end: steps in order, outputs passed on, one card, one notice', async () => {
    const { outcome, record: launched } = await launchDemo(w);
    assert.equal(outcome.started.length, 0);
    assert.equal(outcome.groups?.length, 1);
    assert.equal(w.chat.groupCards.length, 1, 'one pipeline card');

    const prep = await submittedStep(w, 'prep');
    assert.equal(prep.quiet, true, 'a step run posts no card of its own');
    assert.deepEqual(prep.parent, { kind: 'pipeline', id: launched.id });
    assert.deepEqual(prep.origin, {
      kind: 'pipeline',
      pipelineId: launched.id,
      pipelineNumber: launched.number,
      step: 'prep',
    });
    assert.deepEqual(prep.labels, { 'trainyard.io/pipeline': launched.id, 'trainyard.io/step': 'prep' });
    assert.equal(prep.spec.params.rows, 100);
    assert.equal(prep.spec.inputs, undefined);
    assert.match(prep.lineage?.template.hash ?? '', /^[0-9a-f]{64}$/);
    assert.equal(prep.lineage?.image, 'registry.test/prep:0123456789ab');
    finish(w, prep, DEMO_LINES.prep);

    // parallel: 2 — two training runs at once, the third once one of them ends.
    const train1 = await submittedStep(w, 'train#1');
    const train2 = await submittedStep(w, 'train#2');
    await settle(() => false, 20);
    assert.equal(w.runtime.submitted.length, 3);
    assert.deepEqual(train2.labels, { 'trainyard.io/pipeline': launched.id, 'trainyard.io/step': 'train' });
    assert.deepEqual(train2.annotations, { 'trainyard.io/step-index': '2' });
    assert.equal(train2.spec.params.lr, 0.2);
    assert.deepEqual(train2.spec.inputs, [{ path: 'prep', runId: prep.id }]);
    assert.deepEqual(train2.lineage?.inputs, [prep.id]);
    finish(w, train1, DEMO_LINES['train#1']);
    const train3 = await submittedStep(w, 'train#3');
    finish(w, train2, DEMO_LINES['train#2']);
    finish(w, train3, DEMO_LINES['train#3']);

    const evaluate = await submittedStep(w, 'eval');
    // The best training run by the step's objective (min loss), every loss as a JSON list.
    assert.deepEqual(evaluate.spec.params, {
      weights: '2,2,2',
      candidates: '["0.5","0.3","0.4"]',
      expected_rows: 20,
    });
    assert.deepEqual(evaluate.spec.inputs, [
      { path: 'prep', runId: prep.id },
      { path: 'train/1', runId: train1.id },
      { path: 'train/2', runId: train2.id },
      { path: 'train/3', runId: train3.id },
    ]);
    assert.deepEqual(new Set(evaluate.lineage?.inputs), new Set([prep.id, train1.id, train2.id, train3.id]));
    finish(w, evaluate, DEMO_LINES.eval);

    assert.equal(await outcome.groups?.[0](), true);
    const ended = record(w, launched.id);
    assert.deepEqual(ended.end, { state: 'succeeded' });
    assert.equal(ended.noticeSent, true);
    assert.equal(w.chat.groupNotices.length, 1, 'one completion notice');
    assert.equal(w.chat.cards.length, 0, 'no run card');
    assert.equal(w.chat.notices.length, 0, 'no run notice');
    assert.equal(w.chat.groupUpdates.at(-1)?.final, true);

    // Lineage answers for every step; eval's reaches all the others, prep is a root.
    for (const run of [prep, train1, train2, train3, evaluate]) {
      await w.door.command(`lineage ${run.number}`, alice);
      const reply = w.chat.answers.at(-1)?.reply;
      assert.equal(reply?.kind, 'lineage');
      if (reply?.kind !== 'lineage') return;
      assert.equal(reply.tree.root.kind === 'run' && reply.tree.root.run.number, run.number);
      if (run === evaluate) {
        assert.deepEqual(new Set(numbers(reply.tree.root)), new Set([6, 2, 3, 4, 5]));
        assert.equal(reply.tree.root.kind === 'run' && reply.tree.root.origin, `pipeline #1 step eval`);
      }
      if (run === prep) assert.equal(reply.tree.size, 1);
    }
    // The pipeline's number answers for its final step.
    await w.door.command(`lineage ${launched.number}`, alice);
    const forPipeline = w.chat.answers.at(-1)?.reply;
    assert.ok(forPipeline?.kind === 'lineage' && forPipeline.tree.root.kind === 'run');
    assert.equal(forPipeline.tree.root.run.id, evaluate.id);
  });

  it('skips what needs a failed step, lets the rest finish, and says which step failed with its last lines', async () => {
    const { outcome, record: launched } = await launchDemo(w);
    finish(w, await submittedStep(w, 'prep'), DEMO_LINES.prep);
    const train1 = await submittedStep(w, 'train#1');
    const train2 = await submittedStep(w, 'train#2');
    finish(w, train1, ['Traceback (most recent call last):', 'ValueError: lr too high'], {
      state: 'failed',
      exitCode: 1,
      reason: 'The process exited with code 1.',
    });
    await settle(() => false, 20);
    assert.equal(w.runtime.submitted.length, 3, 'no run starts after a sibling failed');
    finish(w, train2, DEMO_LINES['train#2']);
    assert.equal(await outcome.groups?.[0](), false);
    const ended = record(w, launched.id);
    assert.deepEqual(ended.end, {
      state: 'failed',
      step: 'train',
      key: 'train#1',
      reason: 'The process exited with code 1.',
    });
    assert.equal(ended.steps['train#2'].state, 'succeeded');
    assert.equal(ended.steps['train#3'].state, 'skipped');
    assert.equal(ended.steps.eval.state, 'skipped');
    assert.match((ended.steps.eval as { reason: string }).reason, /^skipped: needs train, which failed$/);
    const [notice] = w.chat.groupNotices;
    assert.deepEqual(notice.logTail, ['Traceback (most recent call last):', 'ValueError: lr too high']);
  });

  it('stops every running step on the pipeline number, for its launcher or an admin only', async () => {
    const { outcome, record: launched } = await launchDemo(w);
    finish(w, await submittedStep(w, 'prep'), DEMO_LINES.prep);
    const train1 = await submittedStep(w, 'train#1');
    const train2 = await submittedStep(w, 'train#2');

    await w.door.command(`stop ${launched.number}`, bob);
    assert.deepEqual(w.chat.errors(), [`Only <@UALICE> or an admin can stop pipeline #${launched.number}.`]);
    await w.door.command(`status ${launched.number}`, bob);
    const status = w.chat.answers.at(-1)?.reply;
    assert.equal(status?.kind, 'pipeline');
    assert.equal(status?.kind === 'pipeline' && status.runs.length, 3);

    await w.door.command(`stop #${launched.number}`, alice);
    assert.match(JSON.stringify(w.chat.answers.at(-1)?.reply), /Stopping pipeline #1/);
    await eventually('both training runs to be stopped', () => w.runtime.stopped.length === 2);
    assert.deepEqual(w.runtime.stopped.sort(), [train1.id, train2.id].sort());
    assert.equal(await outcome.groups?.[0](), false);
    const ended = record(w, launched.id);
    assert.equal(ended.end?.state, 'stopped');
    assert.equal(w.runtime.submitted.length, 3, 'nothing started after the stop');
    assert.equal(w.store.getRun(train1.id)?.reason, 'pipeline #1 was stopped');
    assert.equal(w.store.getRun(train1.id)?.stoppedBy, 'UALICE');
    await w.door.command(`stop ${launched.number}`, alice);
    assert.match(JSON.stringify(w.chat.answers.at(-1)?.reply), /already ended \(stopped\)/);
  });

  it('answers logs on the pipeline number with the step that says most', async () => {
    const { record: launched } = await launchDemo(w);
    const prep = await submittedStep(w, 'prep');
    w.runtime.report(prep.id, { state: 'running' });
    w.runtime.print(prep.id, ['still preparing']);
    await w.door.command(`logs ${launched.number}`, alice);
    assert.deepEqual(w.chat.logLines(), ['still preparing']);
  });

  for (const [text, expected] of [
    ['demo-pipeline rows=5', 'rows must be a whole number from 10 to 100000, not "5".'],
    [
      'demo-pipeline nope=1',
      'demo-pipeline has no param "nope"; its params are rows, epochs, epoch_seconds.',
    ],
    [
      'demo-pipeline --gpu 2',
      "A pipeline launch takes no --options (each step's template sets its own resources); leave out --gpu.",
    ],
  ] as const) {
    it(`refuses "${text}" with one sentence and starts nothing`, async () => {
      const outcome = await w.door.command(text, alice);
      assert.equal(outcome.reply?.kind, 'error');
      const [error] = w.chat.errors();
      if (typeof expected === 'string') assert.equal(error, expected);
      else assert.match(error, expected);
      assert.equal(w.store.pipelines.list().length, 0);
      assert.equal(w.chat.groupCards.length, 0);
      await settle(() => false, 10);
      assert.equal(w.runtime.submitted.length, 0);
    });
  }
});

describe('Pipelines and the policy', () => {
  it('refuses a pipeline whose step template this channel may not launch, naming the step', async () => {
    const noEvaluate: Policy = {
      ...testPolicy,
      checkLaunch: (_u, _c, spec) =>
        spec.template === 'evaluate'
          ? 'Template evaluate may not be launched in this channel; allowed here: demo, prep.'
          : undefined,
    };
    const w = await world(mkdtempSync(join(tmpdir(), 'trainyard-pipeline-policy-')), { policy: noEvaluate });
    try {
      const outcome = await w.door.command('demo-pipeline', alice);
      assert.equal(outcome.reply?.kind, 'error');
      assert.equal(
        outcome.reply?.kind === 'error' && sentenceText(outcome.reply.text, (id) => id),
        'Step eval of pipeline demo-pipeline: Template evaluate may not be launched in this channel; allowed here: demo, prep.',
      );
      assert.equal(w.store.pipelines.list().length, 0);
    } finally {
      await close(w);
      rmSync(w.dir, { recursive: true, force: true });
    }
  });
});

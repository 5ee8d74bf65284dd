/** Helpers for driving the shipped demo pipeline through a whole hub with a hand-driven runtime. */
import assert from 'node:assert/strict';
import type { PipelineRun } from '../../../src/core/pipeline/pipeline-run.ts';
import type { Run, RuntimeUpdate } from '../../../src/core/run/run.ts';
import type { CommandOutcome } from '../../../src/ports/chat.ts';
import type { ImageBuilder } from '../../../src/ports/image-builder.ts';
import { eventually } from '../../support/eventually.ts';
import { alice, type World } from '../../support/hub-world.ts';

/** What each step of demo-pipeline prints when it succeeds, by instance key. */
export const DEMO_LINES: Record<string, string[]> = {
  prep: [
    'wrote 80 training and 20 test samples',
    '::output rows=80',
    '::output test_rows=20',
    '::output file=samples.json',
  ],
  'train#1': ['epoch 2/2 loss=0.5 acc=0.8', '::output weights=1,1,1'],
  'train#2': ['epoch 2/2 loss=0.3 acc=0.9', '::output weights=2,2,2'],
  'train#3': ['epoch 2/2 loss=0.4 acc=0.85', '::output weights=3,3,3'],
  eval: ['test_loss=0.2 test_acc=0.95', '::output test_loss=0.2', '::output test_acc=0.95'],
};

/** Builds every image at once, tagged as a content tag would be (the demo's templates have builds). */
export const instantBuilder: ImageBuilder = {
  ensureImage: async (template) => `registry.test/${template}:0123456789ab`,
};

/** Launches the demo pipeline as alice; asserts it was taken. */
export async function launchDemo(
  w: World,
  text = 'demo-pipeline rows=100 epochs=2',
): Promise<{
  outcome: CommandOutcome;
  record: PipelineRun;
}> {
  const outcome = await w.door.command(text, alice);
  assert.deepEqual(w.chat.errors(), []);
  const [record] = w.store.pipelines.list();
  assert.ok(record, 'a pipeline run was stored');
  return { outcome, record };
}

/** The instance key a step run was launched for (`train#2`). */
export const keyOf = (run: Run): string =>
  run.origin?.kind === 'pipeline' ? run.origin.step : assert.fail(`run ${run.id} is no pipeline step`);

/** The step run the runtime received for an instance, once it has. */
export async function submittedStep(w: World, key: string): Promise<Run> {
  await eventually(`step ${key} to be submitted`, () => w.runtime.submitted.some((r) => keyOf(r) === key));
  return w.runtime.submitted.find((r) => keyOf(r) === key) as Run;
}

/** The job prints its lines, runs and ends (succeeded unless told otherwise). */
export function finish(
  w: World,
  run: Run,
  lines: string[],
  end: RuntimeUpdate = { state: 'succeeded', exitCode: 0 },
): void {
  w.runtime.report(run.id, { state: 'running' });
  w.runtime.print(run.id, lines);
  w.runtime.report(run.id, end);
}

/** The pipeline as stored now. */
export function record(w: World, id: string): PipelineRun {
  const found = w.store.pipelines.get(id);
  assert.ok(found, `pipeline ${id} is stored`);
  return found;
}

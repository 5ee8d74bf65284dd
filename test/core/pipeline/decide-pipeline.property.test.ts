import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  applyDecision,
  decidePipeline,
  type PipelineDecision,
} from '../../../src/core/pipeline/decide-pipeline.ts';
import { pipelineInstances } from '../../../src/core/pipeline/matrix.ts';
import type { Pipeline, PipelineStep } from '../../../src/core/pipeline/pipeline.ts';
import { planPipeline } from '../../../src/core/pipeline/plan-pipeline.ts';
import { isStepEnded, type StepState } from '../../../src/core/pipeline/step-state.ts';

/**
 * Random pipelines: step i may need any steps before it (so the graph is a DAG), may fan out,
 * and reads an output of each step it needs (best/all of a matrix), so outputs matter too.
 */
const pipelineArb = fc
  .array(
    fc.record({
      needs: fc.array(fc.nat({ max: 10 }), { maxLength: 3 }),
      matrix: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
      parallel: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
      pick: fc.constantFrom('best', 'all'),
    }),
    { minLength: 1, maxLength: 8 },
  )
  .map((specs): Pipeline => {
    const steps: PipelineStep[] = specs.map((spec, i) => {
      const needs = [...new Set(spec.needs.filter((n) => n < i).map((n) => `s${n}`))];
      const step: PipelineStep = { name: `s${i}`, template: 't', params: {}, needs };
      if (spec.matrix !== undefined) {
        step.matrix = { x: Array.from({ length: spec.matrix }, (_, k) => k) };
        step.objective = { metric: 'loss', goal: 'min' };
        if (spec.parallel !== undefined) step.parallel = spec.parallel;
      }
      return step;
    });
    // Each step reads an output of each step it needs, in the form that step allows.
    for (const step of steps) {
      for (const need of step.needs) {
        const producer = steps.find((s) => s.name === need) as PipelineStep;
        const pick = producer.matrix ? `${specs[Number(need.slice(1))].pick}.` : '';
        step.params[`from_${need}`] = `{{steps.${need}.${pick}outputs.v}}`;
      }
    }
    return { name: 'p', file: '/p.yaml', params: [], steps };
  });

type Outcome = 'succeeded' | 'failed' | 'stopped' | 'no-outputs' | 'pipeline-stop';
const outcomeArb = fc.record({
  pick: fc.nat(),
  outcome: fc.constantFrom<Outcome>(
    'succeeded',
    'succeeded',
    'succeeded',
    'succeeded',
    'failed',
    'stopped',
    'no-outputs',
    'pipeline-stop',
  ),
});

describe('decidePipeline properties', () => {
  it('never starts an instance twice, nor before all it needs succeeded, and always ends', () => {
    fc.assert(
      fc.property(
        pipelineArb,
        fc.array(outcomeArb, { minLength: 200, maxLength: 200 }),
        (pipeline, outcomes) => {
          const instances = pipelineInstances(pipeline);
          const stepOf = new Map(pipeline.steps.map((s) => [s.name, s]));
          let steps: Record<string, StepState> = {};
          let stop: { by: string } | undefined;
          const started = new Set<string>();
          let nextRun = 0;

          for (let turn = 0; turn <= outcomes.length; turn++) {
            const progress = { params: {}, steps, ...(stop ? { stop } : {}) };
            const decision = decidePipeline(pipeline, progress);
            // Restart-safe: the same stored state gives the same decision.
            assert.deepEqual(decidePipeline(pipeline, structuredClone(progress)), decision);
            checkDecision(decision, steps, stepOf, instances, stop !== undefined);

            const runIds: Record<string, string> = {};
            for (const launch of decision.start) {
              assert.ok(!started.has(launch.key), `${launch.key} started twice`);
              started.add(launch.key);
              runIds[launch.key] = `r-${nextRun++}`;
            }
            steps = applyDecision(steps, decision, runIds);
            for (const step of pipeline.steps) {
              const runningNow = instances.filter(
                (i) => i.step === step.name && steps[i.key]?.state === 'running',
              );
              assert.ok(
                runningNow.length <= (step.parallel ?? Number.POSITIVE_INFINITY),
                `${step.name} over parallel`,
              );
            }

            if (decision.end) {
              checkEnd(decision, steps, instances, stop !== undefined);
              return;
            }
            const runningKeys = instances.map((i) => i.key).filter((k) => steps[k]?.state === 'running');
            assert.ok(runningKeys.length > 0, 'not ended, yet nothing runs: the pipeline is stuck');
            if (turn === outcomes.length) break;
            const { pick, outcome } = outcomes[turn];
            const key = runningKeys[pick % runningKeys.length];
            const runId = (steps[key] as { runId: string }).runId;
            if (outcome === 'pipeline-stop') stop = { by: 'U1' };
            else if (outcome === 'succeeded')
              steps = {
                ...steps,
                [key]: { state: 'succeeded', runId, outputs: { v: key, loss: String(pick % 7) } },
              };
            else if (outcome === 'no-outputs')
              steps = { ...steps, [key]: { state: 'succeeded', runId, outputs: {} } };
            else steps = { ...steps, [key]: { state: outcome, runId, reason: outcome } };
          }
          // Runs end one per turn and there are at most 8 × 4 of them, so 200 turns always suffice.
          assert.fail('the pipeline did not end');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('plans every instance once, each after all instances of the steps it needs', () => {
    fc.assert(
      fc.property(pipelineArb, (pipeline) => {
        const plan = planPipeline(pipeline, {});
        const keys = plan.instances.map((i) => i.key);
        assert.deepEqual(
          keys,
          pipelineInstances(pipeline).map((i) => i.key),
        );
        assert.equal(new Set(keys).size, keys.length);
        const position = new Map(plan.instances.map((p, n) => [p.key, n]));
        for (const planned of plan.instances) {
          const step = pipeline.steps.find((s) => s.name === planned.step) as PipelineStep;
          for (const need of step.needs) {
            for (const other of plan.instances.filter((p) => p.step === need)) {
              assert.ok((position.get(other.key) ?? 0) < (position.get(planned.key) ?? 0));
            }
          }
        }
        assert.equal(
          plan.note !== undefined,
          plan.instances.some((p) => p.pending.length > 0),
        );
      }),
    );
  });
});

function checkDecision(
  decision: PipelineDecision,
  steps: Record<string, StepState>,
  stepOf: Map<string, PipelineStep>,
  instances: ReturnType<typeof pipelineInstances>,
  stopping: boolean,
): void {
  const touched = [...decision.start, ...decision.skip, ...decision.fail].map((x) => x.key);
  assert.equal(new Set(touched).size, touched.length, 'an instance decided twice');
  for (const key of touched)
    assert.equal(steps[key]?.state ?? 'waiting', 'waiting', `${key} was not waiting`);
  if (stopping) assert.equal(decision.start.length, 0, 'started after a stop');
  for (const launch of decision.start) {
    for (const need of stepOf.get(launch.step)?.needs ?? []) {
      for (const i of instances.filter((x) => x.step === need)) {
        assert.equal(steps[i.key]?.state, 'succeeded', `${launch.key} started before ${i.key} succeeded`);
      }
    }
  }
  for (const s of decision.stop) assert.equal(steps[s.key]?.state, 'running');
}

function checkEnd(
  decision: PipelineDecision,
  steps: Record<string, StepState>,
  instances: ReturnType<typeof pipelineInstances>,
  stopped: boolean,
): void {
  const states = instances.map((i) => steps[i.key] ?? { state: 'waiting' });
  assert.ok(states.every(isStepEnded), 'ended with instances still going');
  const allSucceeded = states.every((s) => s.state === 'succeeded');
  assert.equal(decision.end?.state === 'succeeded', allSucceeded);
  if (!allSucceeded && stopped) assert.equal(decision.end?.state, 'stopped');
  if (decision.end?.state === 'failed') {
    assert.equal((steps[decision.end.key] as { state: string }).state, 'failed');
  }
}

import { pipelineInstances } from './matrix.ts';
import { pickBest } from './pick-best.ts';
import type { Pipeline } from './pipeline.ts';
import { type StepStates, stateOf } from './step-state.ts';

export interface FinalOutput {
  step: string;
  key: string;
  runId: string;
  outputs: Record<string, string>;
  /** True when the run was picked as the best of its matrix by the step's objective. */
  best?: boolean;
}

/**
 * What a pipeline produced, for its completion notice: the outputs of its final steps (those no
 * other step needs) that succeeded. A fanned-out final step gives its best run when it has an
 * objective, else every run.
 */
export function finalOutputs(pipeline: Pipeline, steps: StepStates): FinalOutput[] {
  const needed = new Set(pipeline.steps.flatMap((s) => s.needs));
  const instances = pipelineInstances(pipeline);
  return pipeline.steps
    .filter((s) => !needed.has(s.name))
    .flatMap((step) => {
      const runs = instances
        .filter((i) => i.step === step.name)
        .flatMap((i) => {
          const s = stateOf(steps, i.key);
          return s.state === 'succeeded'
            ? [{ step: step.name, key: i.key, runId: s.runId, outputs: s.outputs }]
            : [];
        });
      if (!step.matrix || !step.objective) return runs;
      const best = pickBest(runs, step.objective);
      return best ? [{ ...best, best: true }] : runs;
    });
}

import type { RawParams } from '../command/command.ts';
import type { Params } from '../run/run.ts';
import { pipelineInstances } from './matrix.ts';
import type { Pipeline } from './pipeline.ts';
import { findReferences, type Reference } from './references.ts';
import { instanceParams } from './step-params.ts';

/** One step instance as `trainyard render` shows it, before anything ran. */
export interface PlannedInstance {
  key: string;
  step: string;
  index?: number;
  template: string;
  /** Params as text; outputs not known yet are placeholders such as `<output rows of step prep>`. */
  params: RawParams;
  /** Names of the params whose text holds such a placeholder (they cannot be typed yet). */
  pending: string[];
}

export interface PipelinePlan {
  /** Every step instance, in topological order (a step after all it needs). */
  instances: PlannedInstance[];
  /** Set when some value is a placeholder, saying so. */
  note?: string;
}

export const PLACEHOLDER_NOTE =
  'Outputs of earlier steps are known only once those steps have run; they are shown as <output …> placeholders.';

/**
 * What the pipeline would run with these launch params, for `trainyard render`: every instance
 * with its params, steps' outputs standing in as placeholders. Pure; nothing is checked here
 * (the launch checks with checkKnownStepValues).
 */
export function planPipeline(pipeline: Pipeline, launchParams: Params): PipelinePlan {
  const steps = new Map(pipeline.steps.map((s) => [s.name, s]));
  let anyPending = false;
  const instances = pipelineInstances(pipeline).map((instance) => {
    const step = steps.get(instance.step);
    if (!step) throw new Error(`instance of unknown step ${instance.step}`);
    const params = instanceParams(step, instance, placeholderText(launchParams));
    const pending = Object.keys(step.params).filter((name) =>
      findReferences(step.params[name]).some((use) => use.ref?.kind === 'output'),
    );
    if (pending.length > 0) anyPending = true;
    const planned: PlannedInstance = {
      key: instance.key,
      step: step.name,
      template: step.template,
      params,
      pending,
    };
    if (instance.index !== undefined) planned.index = instance.index;
    return planned;
  });
  return anyPending ? { instances, note: PLACEHOLDER_NOTE } : { instances };
}

function placeholderText(launchParams: Params): (ref: Reference) => string {
  return (ref) => {
    if (ref.kind === 'param')
      return Object.hasOwn(launchParams, ref.name) ? String(launchParams[ref.name]) : `<param ${ref.name}>`;
    if (ref.pick === 'one') return `<output ${ref.output} of step ${ref.step}>`;
    if (ref.pick === 'best') return `<output ${ref.output} of the best run of step ${ref.step}>`;
    return `<output ${ref.output} of every run of step ${ref.step}, as a JSON list>`;
  };
}

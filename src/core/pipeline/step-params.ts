import type { RawParams } from '../command/command.ts';
import type { StepInstance } from './matrix.ts';
import type { PipelineStep } from './pipeline.ts';
import { type Reference, substituteReferences } from './references.ts';

/**
 * The params one step instance is launched with, as the text a person would type after
 * `name=`: the step's params with every reference replaced by `textOf`, then its matrix values.
 * The launcher types them by the step template (resolveParams), exactly as for a command.
 */
export function instanceParams(
  step: PipelineStep,
  instance: StepInstance,
  textOf: (ref: Reference) => string,
): RawParams {
  const params: RawParams = {};
  for (const [name, value] of Object.entries(step.params)) params[name] = substituteReferences(value, textOf);
  for (const [name, value] of Object.entries(instance.values)) params[name] = String(value);
  return params;
}

import type { RawParams } from '../command/command.ts';
import type { Params } from '../run/run.ts';
import { resolveParams } from '../template/resolve-params.ts';
import type { Template } from '../template/template.ts';
import { checkKnownStepValues } from './parse-pipeline.ts';
import type { Pipeline } from './pipeline.ts';

export type CheckLaunchResult = { ok: true; params: Params } | { ok: false; error: string };

/**
 * A launch of a pipeline (`/train <pipeline> k=v`) checked before anything starts: its params
 * typed like a template's, then every step value known now held against the step template's
 * params. The first problem is one sentence for the person who typed the command. Values that
 * come from outputs are checked when their step starts (a refusal then fails that step).
 */
export function checkPipelineLaunch(
  pipeline: Pipeline,
  raw: RawParams,
  templates: ReadonlyMap<string, Template>,
): CheckLaunchResult {
  const resolved = resolveParams(pipeline, raw);
  if (!resolved.ok) return resolved;
  for (const step of pipeline.steps) {
    if (!templates.has(step.template))
      return {
        ok: false,
        error: `Step ${step.name} of pipeline ${pipeline.name} runs template ${step.template}, which is no longer loaded; run trainyard check.`,
      };
  }
  const [problem] = checkKnownStepValues(pipeline, templates, resolved.params);
  if (problem)
    return { ok: false, error: `Step ${problem.step} of pipeline ${pipeline.name}: ${problem.message}` };
  return resolved;
}

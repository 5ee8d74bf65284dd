import type { RawOptions, RawParams } from '../../core/command/command.ts';
import { checkPipelineLaunch } from '../../core/pipeline/check-launch.ts';
import type { Pipeline } from '../../core/pipeline/pipeline.ts';
import { planPipeline } from '../../core/pipeline/plan-pipeline.ts';
import type { Params } from '../../core/run/run.ts';
import type { Template } from '../../core/template/template.ts';
import type { Launcher } from '../../ports/launcher.ts';

/** A pipeline launch takes no options: the sentence for the first one given, if any. */
export function pipelineOptionsProblem(options: RawOptions): string | undefined {
  const [option] = Object.keys(options);
  return option === undefined
    ? undefined
    : `A pipeline launch takes no --options (each step's template sets its own resources); leave out --${option}.`;
}

export type PipelineCheck = { ok: true; params: Params } | { ok: false; error: string };

export interface PipelineLaunchRequest {
  pipeline: string;
  params: RawParams;
  options: RawOptions;
  user: string;
  channel: string;
}

/**
 * Everything a pipeline launch can be refused for before anything starts, as one sentence: options
 * (a pipeline takes none), its params (typed like a template's), every step value known now
 * against its step template's params, and each step as a launch by this person in this channel
 * would be checked (the channel's templates, the GPU cap, what the runtime can honour). Values
 * that come from earlier steps' outputs are checked when their step starts.
 */
export async function checkPipeline(
  pipeline: Pipeline,
  templates: ReadonlyMap<string, Template>,
  req: PipelineLaunchRequest,
  launcher: Pick<Launcher, 'check'>,
): Promise<PipelineCheck> {
  const optionsProblem = pipelineOptionsProblem(req.options);
  if (optionsProblem) return { ok: false, error: optionsProblem };
  const checked = checkPipelineLaunch(pipeline, req.params, templates);
  if (!checked.ok) return checked;
  const seen = new Set<string>();
  for (const instance of planPipeline(pipeline, checked.params).instances) {
    // Params that wait for outputs are left to the template's defaults here.
    const params = Object.fromEntries(
      Object.entries(instance.params).filter(([name]) => !instance.pending.includes(name)),
    );
    const key = `${instance.template} ${JSON.stringify(params)}`;
    // A required param that waits for an output has no stand-in: that step is checked when it starts.
    const defs = templates.get(instance.template)?.params ?? [];
    const waits = defs.some((d) => d.default === undefined && instance.pending.includes(d.name));
    if (waits || seen.has(key)) continue;
    seen.add(key);
    const check = await launcher.check({
      template: instance.template,
      params,
      options: {},
      user: req.user,
      channel: req.channel,
    });
    if (!check.ok)
      return { ok: false, error: `Step ${instance.key} of pipeline ${pipeline.name}: ${check.error}` };
  }
  return checked;
}

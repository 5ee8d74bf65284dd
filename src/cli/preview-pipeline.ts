import type { V1Job } from '@kubernetes/client-node';
import type { RawParams } from '../core/command/command.ts';
import { checkPipelineLaunch } from '../core/pipeline/check-launch.ts';
import type { Pipeline } from '../core/pipeline/pipeline.ts';
import { planPipeline } from '../core/pipeline/plan-pipeline.ts';
import { ANNOTATIONS, LABELS } from '../core/run/run-identity.ts';
import type { ParamDef, Template, TemplateCatalog } from '../core/template/template.ts';
import { inputsOf } from '../services/pipelines/step-request.ts';
import { planLaunch } from '../services/runs/plan-launch.ts';
import { type PreviewOptions, previewJob } from './preview-job.ts';

export type PipelinePreview = { ok: true; jobs: V1Job[]; notes: string[] } | { ok: false; error: string };

/** The stand-in pipeline id of a preview, as a run id stands in for a run's. */
const PREVIEW_PIPELINE = 'p-0000000000';

/**
 * Every step's Job of a pipeline launch, in the order the steps can run, for `trainyard render`.
 * Each step instance gets its own stand-in number (1, 2, … in this order) and run id, so names
 * and input mounts read as they would. Params made of earlier steps' outputs are not known yet:
 * they show as `<output …>` placeholders (typed as text just for the preview), and a note says so.
 */
export function previewPipeline(
  catalog: TemplateCatalog,
  pipeline: Pipeline,
  params: RawParams,
  opts: Omit<PreviewOptions, 'run' | 'schedule'>,
): PipelinePreview {
  const checked = checkPipelineLaunch(pipeline, params, catalog.templates);
  if (!checked.ok) return checked;
  const plan = planPipeline(pipeline, checked.params);
  const idOf = new Map(plan.instances.map((i, n) => [i.key, `r-${String(n + 1).padStart(10, '0')}`]));
  const steps = new Map(pipeline.steps.map((s) => [s.name, s]));
  const notes = [
    `Preview of pipeline ${pipeline.name}: ${plan.instances.length} Jobs in the order their steps can run; run numbers 1… and suffix xxxxx stand in for the real ones.`,
  ];
  if (plan.note) notes.push(plan.note);
  const jobs: V1Job[] = [];
  for (const [n, instance] of plan.instances.entries()) {
    const template = catalog.templates.get(instance.template);
    if (!template)
      return {
        ok: false,
        error: `Step ${instance.key} runs template ${instance.template}, which is not loaded.`,
      };
    const loose = withTextParams(template, instance.pending);
    const looseCatalog: TemplateCatalog = { templates: new Map([[template.name, loose]]), broken: new Map() };
    const planned = planLaunch(looseCatalog, template.name, instance.params, {});
    if (!planned.ok)
      return { ok: false, error: `Step ${instance.key} of pipeline ${pipeline.name}: ${planned.error}` };
    // Laid out under TRAINYARD_INPUTS as a real step's are (inputsOf), every needed instance by its stand-in id.
    const needs = steps.get(instance.step)?.needs ?? [];
    const inputs = inputsOf({
      inputs: needs.map((need) => ({
        step: need,
        runs: plan.instances
          .filter((i) => i.step === need)
          .map((i) => ({ key: i.key, index: i.index, runId: idOf.get(i.key) ?? '' })),
      })),
    });
    const spec = inputs.length ? { ...planned.spec, inputs } : planned.spec;
    const { job } = previewJob(spec, {
      ...opts,
      run: {
        id: idOf.get(instance.key) ?? '',
        number: n + 1,
        labels: { [LABELS.pipeline]: PREVIEW_PIPELINE, [LABELS.step]: instance.step },
        ...(instance.index !== undefined && {
          annotations: { [ANNOTATIONS.stepIndex]: String(instance.index) },
        }),
      },
    });
    jobs.push(job);
  }
  return { ok: true, jobs, notes };
}

/** The template with the params that wait for outputs taken as any text, for the preview only. */
function withTextParams(template: Template, pending: string[]): Template {
  if (pending.length === 0) return template;
  const params = template.params.map(
    (p): ParamDef =>
      pending.includes(p.name) ? { name: p.name, type: 'string', required: false, default: '' } : p,
  );
  return { ...template, params };
}

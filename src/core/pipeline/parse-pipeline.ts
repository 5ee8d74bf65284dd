import type { Params, ParamValue } from '../run/run.ts';
import { describeIssue } from '../template/describe-issue.ts';
import { checkParams, toParamDef } from '../template/parse-template.ts';
import type { Template, TemplateProblem } from '../template/template.ts';
import { paramSchema } from '../template/template-schema.ts';
import type { Pipeline, PipelineStep } from './pipeline.ts';
import { objectiveSchema, type PipelineFile, pipelineSchema, stepSchema } from './pipeline-schema.ts';
import { StepChecker } from './step-checker.ts';
import { topologicalOrder } from './step-graph.ts';
import { knownText, valueProblem } from './step-values.ts';

export type ParsePipelineResult =
  | { ok: true; pipeline: Pipeline }
  | { ok: false; problems: TemplateProblem[] };

/** Keys of a template that have no place in a pipeline: its steps' templates carry them. */
const TEMPLATE_ONLY_KEYS = new Set([
  'image',
  'build',
  'command',
  'args',
  'env',
  'resources',
  'job',
  'progress',
]);

/**
 * Reads a pipeline file (YAML already parsed; see isPipelineFile) against the loaded templates
 * and reports every problem at once, each at `steps.<step>.<field>` like template problems, so
 * `trainyard check` lists them all. A pipeline that parses has had every value known before a
 * run checked against its step template's params (with the pipeline's defaults, when every
 * pipeline param has one); values from step outputs are checked when the step starts.
 */
export function parsePipeline(
  name: string,
  file: string,
  data: unknown,
  templates: ReadonlyMap<string, Template>,
  /** Templates that failed to load, so a step naming one is told what is wrong with it. */
  broken: ReadonlyMap<string, TemplateProblem[]> = new Map(),
): ParsePipelineResult {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { ok: false, problems: [{ file, message: 'A pipeline must be a YAML map with steps.' }] };
  }
  const parsed = pipelineSchema.safeParse(data);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.flatMap((i) => schemaProblems(i, file, data)) };
  }
  const body = parsed.data;
  const params = Object.entries(body.params).map(([paramName, p]) => toParamDef(paramName, p));
  const problems = [
    ...checkParams(params, file),
    ...new StepChecker(name, file, body, params, templates, broken).run(),
  ];
  if (problems.length > 0) return { ok: false, problems };

  const pipeline: Pipeline = { name, file, params, steps: orderedSteps(body, templates) };
  if (body.description !== undefined) pipeline.description = body.description;

  // Like a template, try the defaults once, so a default that a step refuses is caught here.
  // Literal values passed above, so whatever is refused now comes from a default.
  if (params.every((p) => p.default !== undefined)) {
    const defaults: Params = Object.fromEntries(params.map((p) => [p.name, p.default as ParamValue]));
    const withDefaults = checkKnownStepValues(pipeline, templates, defaults).map((p) => ({
      file,
      field: p.field,
      message: `With the pipeline's defaults, ${p.message}`,
    }));
    if (withDefaults.length > 0) return { ok: false, problems: withDefaults };
  }
  return { ok: true, pipeline };
}

/** A problem with a step's values, at `steps.<step>.params.<name>` or `steps.<step>.matrix.<name>`. */
export interface StepValueProblem {
  step: string;
  field: string;
  message: string;
}

/**
 * Values of step params that are known without running anything, checked against the step
 * template's param types and bounds: literals always, and values made of pipeline params when
 * `launchParams` are given. Used when loading (with the defaults) and at launch.
 */
export function checkKnownStepValues(
  pipeline: Pipeline,
  templates: ReadonlyMap<string, Template>,
  launchParams?: Params,
): StepValueProblem[] {
  const problems: StepValueProblem[] = [];
  for (const step of pipeline.steps) {
    const defs = new Map(templates.get(step.template)?.params.map((p) => [p.name, p]));
    for (const [param, value] of Object.entries(step.params)) {
      const def = defs.get(param);
      const text = knownText(value, launchParams);
      const problem = def && text !== undefined ? valueProblem(def, text) : undefined;
      if (problem)
        problems.push({ step: step.name, field: `steps.${step.name}.params.${param}`, message: problem });
    }
    for (const [param, values] of Object.entries(step.matrix ?? {})) {
      const def = defs.get(param);
      for (const value of values) {
        const problem = def ? valueProblem(def, String(value)) : undefined;
        if (problem)
          problems.push({ step: step.name, field: `steps.${step.name}.matrix.${param}`, message: problem });
      }
    }
  }
  return problems;
}

/** The steps as the model holds them, in topological order; only called on a file without problems. */
function orderedSteps(body: PipelineFile, templates: ReadonlyMap<string, Template>): PipelineStep[] {
  const needs = new Map(Object.entries(body.steps).map(([s, step]) => [s, [...new Set(step.needs)]]));
  return topologicalOrder(needs).map((stepName) => {
    const written = body.steps[stepName];
    const step: PipelineStep = {
      name: stepName,
      template: written.template,
      params: written.params,
      needs: needs.get(stepName) ?? [],
    };
    if (written.matrix) step.matrix = written.matrix;
    if (written.parallel !== undefined) step.parallel = written.parallel;
    const objective = written.objective ?? templates.get(written.template)?.objective;
    if (objective) step.objective = objective;
    return step;
  });
}

// --- zod issues as sentences ---------------------------------------------------------------

/** Keys each map of a pipeline file accepts, for "allowed keys are …". */
function allowedKeys(path: PropertyKey[]): readonly string[] {
  if (path.length === 0) return Object.keys(pipelineSchema.shape);
  if (path[0] === 'params' && path.length === 2) return Object.keys(paramSchema.shape);
  if (path[0] === 'steps' && path.length === 2) return Object.keys(stepSchema.shape);
  if (path[0] === 'steps' && path[2] === 'objective') return Object.keys(objectiveSchema.shape);
  return [];
}

function schemaProblems(
  issue: Parameters<typeof describeIssue>[0],
  file: string,
  data: unknown,
): TemplateProblem[] {
  const problems = describeIssue(issue, file, data, allowedKeys);
  // An image or command at the top is a template habit: say where it belongs instead.
  return problems.map((p) =>
    p.field !== undefined && TEMPLATE_ONLY_KEYS.has(p.field) && issue.code === 'unrecognized_keys'
      ? {
          ...p,
          message: `"${p.field}" does not belong in a pipeline: its steps name templates, and those have the ${p.field}; remove it.`,
        }
      : p,
  );
}

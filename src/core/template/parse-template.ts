import { parseDocument } from 'yaml';
import { gitRefProblem } from '../code/git-ref.ts';
import { gitUrlProblem, redactGitUrl } from '../code/git-url.ts';
import type { ParamValue } from '../run/run.ts';
import { OUTPUT_NAME } from '../run/run-outputs.ts';
import { buildRunSpec } from './build-run-spec.ts';
import { describeIssue } from './describe-issue.ts';
import { describeAllowed, fitsParam } from './param-value.ts';
import { findPlaceholders } from './placeholders.ts';
import type { ParamDef, Template, TemplateProblem } from './template.ts';
import { PARAM_NAME, type ParamFile, type TemplateFile, templateSchema } from './template-schema.ts';

export type ParseTemplateResult =
  | { ok: true; template: Template }
  | { ok: false; problems: TemplateProblem[] };

/** `launch` reads `model=<template>` as the template name, so no param may be called that. */
const RESERVED_PARAMS = new Set(['model']);

/**
 * Reads one template YAML (already loaded from disk) and reports every problem at once,
 * each naming the file and dotted field, so `trainyard check` can list them all.
 * A template that parses has also been rendered once with its defaults, so a default that
 * makes a bad quantity or count is caught here rather than at launch.
 */
export function parseTemplate(
  name: string,
  file: string,
  dir: string,
  yamlText: string,
): ParseTemplateResult {
  const yaml = readTemplateYaml(file, yamlText);
  return yaml.ok ? templateFromData(name, file, dir, yaml.data) : yaml;
}

/** A template file's YAML as plain data, or why it is not valid YAML. */
export function readTemplateYaml(
  file: string,
  yamlText: string,
): { ok: true; data: unknown } | { ok: false; problems: TemplateProblem[] } {
  const doc = parseDocument(yamlText, { prettyErrors: false });
  if (doc.errors.length === 0) return { ok: true, data: doc.toJS() };
  return {
    ok: false,
    problems: doc.errors.map((e) => ({ file, message: `This is not valid YAML: ${e.message}` })),
  };
}

/** A template from its file's YAML data (read by readTemplateYaml). */
export function templateFromData(
  name: string,
  file: string,
  dir: string,
  data: unknown,
): ParseTemplateResult {
  const problem = (field: string | undefined, message: string): TemplateProblem =>
    field === undefined ? { file, message } : { file, field, message };

  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return {
      ok: false,
      problems: [problem(undefined, 'A template must be a YAML map with at least a command.')],
    };
  }

  const parsed = templateSchema.safeParse(data);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.flatMap((i) => describeIssue(i, file, data)) };
  }
  const body = parsed.data;
  const params = Object.entries(body.params).map(([paramName, p]) => toParamDef(paramName, p));
  const problems = [...checkParams(params, file), ...checkBody(body, params, file)];
  if (problems.length > 0) return { ok: false, problems };

  const template: Template = {
    name,
    file,
    dir,
    description: body.description,
    params,
    raw: {
      image: body.image,
      build: body.build,
      command: body.command,
      args: body.args,
      env: body.env,
      resources: body.resources,
      job: body.job,
      progress: body.progress,
    },
  };
  if (template.description === undefined) delete template.description;
  if (body.objective) template.objective = body.objective;
  if (body.outputs) template.outputs = body.outputs;
  if (body.code) template.code = body.code;

  // Required params have no default to try; their placeholders are checked again at launch.
  if (params.every((p) => p.default !== undefined)) {
    const defaults = Object.fromEntries(params.map((p) => [p.name, p.default as ParamValue]));
    const trial = buildRunSpec(template, defaults);
    if (!trial.ok)
      return { ok: false, problems: [problem(trial.field, `With the defaults, ${trial.error}`)] };
  }
  return { ok: true, template };
}

/** A param as written in YAML, as the model holds it; pipelines declare params the same way. */
export function toParamDef(name: string, p: ParamFile): ParamDef {
  const def: ParamDef = { name, type: p.type, required: p.required ?? false };
  for (const key of [
    'default',
    'min',
    'max',
    'exclusiveMin',
    'exclusiveMax',
    'pattern',
    'values',
    'help',
  ] as const) {
    if (p[key] !== undefined) (def as unknown as Record<string, unknown>)[key] = p[key];
  }
  return def;
}

/** Every problem of declared params (names, bounds, defaults), at `params.<name>[.<key>]`. */
export function checkParams(params: ParamDef[], file: string): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const add = (param: string, key: string | undefined, message: string) =>
    problems.push({ file, field: key ? `params.${param}.${key}` : `params.${param}`, message });

  for (const p of params) {
    if (!PARAM_NAME.test(p.name)) {
      add(
        p.name,
        undefined,
        `Param name "${p.name}" must be lowercase letters, digits and _, starting with a letter.`,
      );
    }
    if (RESERVED_PARAMS.has(p.name)) {
      add(
        p.name,
        undefined,
        `"${p.name}" is reserved (model=<template> picks the template); choose another name.`,
      );
    }
    const numeric = p.type === 'int' || p.type === 'float';
    for (const key of ['min', 'max', 'exclusiveMin', 'exclusiveMax'] as const) {
      if (p[key] !== undefined && !numeric) add(p.name, key, `${key} applies only to int and float params.`);
    }
    if (p.type === 'int') {
      for (const key of ['min', 'max'] as const) {
        const v = p[key];
        if (v !== undefined && !Number.isInteger(v))
          add(p.name, key, `${key} of an int param must be a whole number.`);
      }
    }
    if (p.exclusiveMin && p.min === undefined) add(p.name, 'exclusiveMin', 'exclusiveMin needs a min.');
    if (p.exclusiveMax && p.max === undefined) add(p.name, 'exclusiveMax', 'exclusiveMax needs a max.');
    if (p.min !== undefined && p.max !== undefined && p.min > p.max) {
      add(p.name, 'max', `max (${p.max}) must not be below min (${p.min}).`);
    }
    if (p.pattern !== undefined) {
      if (p.type !== 'string') add(p.name, 'pattern', 'pattern applies only to string params.');
      else if (!compiles(p.pattern))
        add(p.name, 'pattern', `pattern /${p.pattern}/ is not a valid regular expression.`);
    }
    if (p.type === 'enum' && p.values === undefined)
      add(p.name, 'values', 'An enum param needs a list of values.');
    if (p.type !== 'enum' && p.values !== undefined)
      add(p.name, 'values', 'values applies only to enum params.');
    if (p.required && p.default !== undefined) {
      add(p.name, 'default', 'A required param cannot have a default; drop one of them.');
    } else if (!p.required && p.default === undefined) {
      add(p.name, undefined, 'Give the param a default, or set required: true.');
    }
    const paramProblemsSoFar = problems.some((x) => x.field?.startsWith(`params.${p.name}.`));
    if (p.default !== undefined && !paramProblemsSoFar && !fitsParam(p, p.default)) {
      add(p.name, 'default', `default must be ${describeAllowed(p)}, not ${JSON.stringify(p.default)}.`);
    }
  }
  return problems;
}

function checkBody(body: TemplateFile, params: ParamDef[], file: string): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  if ((body.image === undefined) === (body.build === undefined)) {
    problems.push({
      file,
      message: 'A template needs exactly one of image (a ready image) or build (a Dockerfile to build).',
    });
  }
  if (body.progress && !compiles(body.progress.pattern)) {
    problems.push({
      file,
      field: 'progress.pattern',
      message: `pattern /${body.progress.pattern}/ is not a valid regular expression.`,
    });
  }
  problems.push(...checkOutputs(body.outputs, file), ...checkCode(body.code, file));
  const declared = new Set(params.map((p) => p.name));
  const substituted = ['image', 'build', 'command', 'args', 'env', 'resources', 'job'] as const;
  for (const key of substituted) {
    for (const use of findPlaceholders(body[key], key)) {
      if (!declared.has(use.name)) {
        const known = declared.size
          ? `declared params: ${[...declared].join(', ')}`
          : 'the template declares no params';
        problems.push({
          file,
          field: use.field,
          message: `{{${use.name}}} is not a declared param (${known}).`,
        });
      }
    }
  }
  return problems;
}

/** Output names follow the param name rule, since pipelines read them as `{{steps.s.outputs.<name>}}`. */
function checkOutputs(outputs: string[] | undefined, file: string): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const seen = new Set<string>();
  outputs?.forEach((name, i) => {
    const field = `outputs.${i}`;
    if (!OUTPUT_NAME.test(name)) {
      problems.push({
        file,
        field,
        message: `Output name "${name}" must be lowercase letters, digits and _, starting with a letter.`,
      });
    } else if (seen.has(name)) {
      problems.push({ file, field, message: `Output ${name} is listed twice; list each output once.` });
    }
    seen.add(name);
  });
  return problems;
}

function checkCode(code: TemplateFile['code'], file: string): TemplateProblem[] {
  if (!code) return [];
  const problems: TemplateProblem[] = [];
  const urlProblem = gitUrlProblem(code.git);
  if (urlProblem) {
    // The URL may carry a token, and problems are shown in chat: show it redacted.
    problems.push({
      file,
      field: 'code.git',
      message: `"${redactGitUrl(code.git)}" is not a git URL: it ${urlProblem}.`,
    });
  }
  const refProblem = code.ref === undefined ? undefined : gitRefProblem(code.ref);
  if (refProblem) {
    problems.push({
      file,
      field: 'code.ref',
      message: `"${code.ref}" is not a git branch, tag or commit: it ${refProblem}.`,
    });
  }
  return problems;
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

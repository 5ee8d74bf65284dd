import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { gitRefProblem } from '../code/git-ref.ts';
import { gitUrlProblem, redactGitUrl } from '../code/git-url.ts';
import { plural } from '../plural.ts';
import type { ParamValue } from '../run/run.ts';
import { OUTPUT_NAME } from '../run/run-outputs.ts';
import { buildRunSpec } from './build-run-spec.ts';
import { describeAllowed, fitsParam } from './param-value.ts';
import { findPlaceholders } from './placeholders.ts';
import type { ParamDef, Template, TemplateProblem } from './template.ts';
import {
  buildSchema,
  codeSchema,
  jobSchema,
  objectiveSchema,
  PARAM_NAME,
  type ParamFile,
  paramSchema,
  progressSchema,
  resourcesSchema,
  type TemplateFile,
  templateSchema,
  tolerationSchema,
} from './template-schema.ts';

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
  const problem = (field: string | undefined, message: string): TemplateProblem =>
    field === undefined ? { file, message } : { file, field, message };

  const doc = parseDocument(yamlText, { prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => problem(undefined, `This is not valid YAML: ${e.message}`)),
    };
  }
  const data: unknown = doc.toJS();
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

// --- zod issues as sentences ---------------------------------------------------------------

type ZodIssue = z.core.$ZodIssue;

/** Keys each map of the file accepts, for "allowed keys are …" in unknown-key problems. */
const KNOWN_KEYS: Record<string, string[]> = {
  '': Object.keys(templateSchema.shape),
  'params.*': Object.keys(paramSchema.shape),
  build: Object.keys(buildSchema.shape),
  resources: Object.keys(resourcesSchema.shape),
  job: Object.keys(jobSchema.shape),
  'job.tolerations.*': Object.keys(tolerationSchema.shape),
  progress: Object.keys(progressSchema.shape),
  objective: Object.keys(objectiveSchema.shape),
  code: Object.keys(codeSchema.shape),
};

function valueAt(data: unknown, path: PropertyKey[]): unknown {
  let value = data;
  for (const seg of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[seg];
  }
  return value;
}

function pathShape(path: PropertyKey[]): string {
  return path
    .map((seg, i) => (typeof seg === 'number' || (i === 1 && path[0] === 'params') ? '*' : String(seg)))
    .join('.');
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a map',
  record: 'a map',
};

/**
 * One zod issue as problems in plain sentences. `allowedKeys` names the keys a map at a path
 * accepts (for "allowed keys are …"); pipeline files pass their own.
 */
export function describeIssue(
  issue: ZodIssue,
  file: string,
  data: unknown,
  allowedKeys: (path: PropertyKey[]) => readonly string[] = (path) => KNOWN_KEYS[pathShape(path)] ?? [],
): TemplateProblem[] {
  const field = issue.path.map(String).join('.');
  const subject = issue.path.length ? String(issue.path[issue.path.length - 1]) : 'The template';
  const at = (message: string, f = field): TemplateProblem =>
    f ? { file, field: f, message } : { file, message };

  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeys(issue.path);
      return issue.keys.map((key) =>
        at(
          `"${key}" is not a known key here; allowed keys are ${allowed.join(', ')}.`,
          field ? `${field}.${key}` : key,
        ),
      );
    }
    case 'invalid_type':
      if (valueAt(data, issue.path) === undefined) return [at(`${subject} is required.`)];
      return [at(`${subject} must be ${TYPE_WORDS[issue.expected] ?? issue.expected}.`)];
    case 'invalid_value':
      if (valueAt(data, issue.path) === undefined) return [at(`${subject} is required.`)];
      return [at(`${subject} must be one of ${issue.values.map(String).join(', ')}.`)];
    case 'invalid_union':
      // The only unions are job counts (number or placeholder) and scalars (text, number, bool).
      if (field.startsWith('job.'))
        return [at(`${subject} must be a whole number or a {{param}} placeholder.`)];
      return [at(`${subject} must be text, a number or true/false.`)];
    case 'invalid_key':
      return [
        at(
          field.startsWith('env.') || field.startsWith('job.secretEnv.')
            ? `"${subject}" is not a valid environment variable name.`
            : `"${subject}" is not a valid key.`,
        ),
      ];
    case 'invalid_format':
      // Our own regex messages read as the end of a sentence ("must be …"); zod's do not.
      if (issue.message.startsWith('must ')) return [at(`${subject} ${issue.message}.`)];
      return [at(`${subject} is not valid: ${issue.message}.`)];
    case 'too_small':
      if (issue.origin === 'array')
        return [at(`${subject} needs at least ${plural(Number(issue.minimum), 'item')}.`)];
      if (issue.origin === 'string') return [at(`${subject} must not be empty.`)];
      return [at(`${subject} must be at least ${issue.minimum}.`)];
    default:
      return [at(`${subject} is not valid: ${issue.message}.`)];
  }
}

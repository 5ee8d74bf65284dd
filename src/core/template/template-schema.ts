import { z } from 'zod';

/**
 * The shape of a template YAML file. Structure only: cross-field rules (defaults within
 * their bounds, placeholders naming declared params, regexes that compile) live in
 * parse-template.ts, and the values after substitution are checked in build-run-spec.ts.
 * Every object is strict, so a misspelt key is an error instead of being silently ignored.
 */

/** A YAML scalar; strings may hold `{{param}}` placeholders. */
const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** A whole number, or a string that is exactly a placeholder filled in from a param. */
const countOrPlaceholder = z.union([z.number().int().min(0), z.string().regex(/^\{\{\s*\w+\s*\}\}$/)]);

export const PARAM_NAME = /^[a-z][a-z0-9_]{0,62}$/;
/** Kubernetes accepts these as environment variable names (C identifiers plus `-` and `.`). */
export const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

export const paramSchema = z.strictObject({
  type: z.enum(['int', 'float', 'bool', 'string', 'enum']),
  default: scalar.optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  exclusiveMin: z.boolean().optional(),
  exclusiveMax: z.boolean().optional(),
  pattern: z.string().optional(),
  values: z.array(z.string()).min(1).optional(),
  required: z.boolean().optional(),
  help: z.string().optional(),
});

export const tolerationSchema = z.strictObject({
  key: z.string().optional(),
  operator: z.enum(['Exists', 'Equal']).optional(),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
  tolerationSeconds: z.number().int().optional(),
});

/** `context` is relative to the template's folder (the folder named like the template). */
export const buildSchema = z.strictObject({
  context: z.string().min(1).default('.'),
  dockerfile: z.string().min(1).default('Dockerfile'),
  args: z.record(z.string(), scalar).default({}),
  target: z.string().min(1).optional(),
});

export const resourcesSchema = z.strictObject({
  cpu: scalar.optional(),
  memory: scalar.optional(),
  gpu: scalar.optional(),
});

export const jobSchema = z.strictObject({
  activeDeadlineSeconds: countOrPlaceholder.optional(),
  backoffLimit: countOrPlaceholder.default(0),
  ttlSecondsAfterFinished: countOrPlaceholder.optional(),
  nodeSelector: z.record(z.string(), z.string()).optional(),
  tolerations: z.array(tolerationSchema).optional(),
  volumes: z.array(z.record(z.string(), z.unknown())).optional(),
  volumeMounts: z.array(z.record(z.string(), z.unknown())).optional(),
  secretEnv: z.record(z.string().regex(ENV_NAME), z.string()).optional(),
  imagePullSecrets: z.array(z.string()).optional(),
  serviceAccountName: z.string().optional(),
});

export const progressSchema = z.strictObject({ pattern: z.string().min(1) });

/** Where a template's code comes from: a git repository, at a branch, tag or commit (default: its HEAD). */
export const codeSchema = z.strictObject({ git: z.string().min(1), ref: z.string().min(1).optional() });

/**
 * A metric name as the progress parser reads it from log lines (`loss`, `val_acc`, `eval/f1`), so
 * an objective names something a run can actually report.
 */
export const METRIC_NAME = /^[A-Za-z_][\w./-]{0,39}$/;

/** What sweeps of this template optimise unless the command says otherwise. */
export const objectiveSchema = z.strictObject({
  metric: z.string().regex(METRIC_NAME, {
    error:
      'must be a metric name as the logs print it: letters, digits, _ . / -, starting with a letter or _, at most 40 characters',
  }),
  goal: z.enum(['min', 'max']),
});

export const templateSchema = z.strictObject({
  description: z.string().optional(),
  params: z.record(z.string(), paramSchema).default({}),
  image: z.string().min(1).optional(),
  build: buildSchema.optional(),
  command: z.array(scalar).min(1),
  args: z.array(scalar).default([]),
  env: z.record(z.string().regex(ENV_NAME), scalar).default({}),
  resources: resourcesSchema.default({}),
  job: jobSchema.default({ backoffLimit: 0 }),
  progress: progressSchema.optional(),
  objective: objectiveSchema.optional(),
  outputs: z.array(z.string()).optional(),
  code: codeSchema.optional(),
});

export type TemplateFile = z.infer<typeof templateSchema>;
export type ParamFile = z.infer<typeof paramSchema>;

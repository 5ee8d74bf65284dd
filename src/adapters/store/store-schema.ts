import { z } from 'zod';
import { RUN_STATES, type Run } from '../../core/run/run.ts';
import {
  A_STRING,
  type FieldRules,
  isBoolean,
  isNumber,
  isObject,
  isOptional,
  isRecordOf,
  isString,
  isStringArray,
  optional,
  recordIdentity,
  recordListSchema,
  recordProblem,
  required,
} from './field-rules.ts';
import { storedPipelineListSchema, storedSweepListSchema } from './group-schema.ts';
import { isColumnarHistory, type StoredRun } from './stored-run.ts';

/**
 * The live file format this code writes. Version 3 keeps only the live document (active runs,
 * sweeps and pipelines, the newest finished ones, schedules, keys) and one line per record; older
 * finished ones live in history segments. Versions 1 (row histories) and 2 (every run in the file)
 * are still read, and their finished runs move to segments on the next write; so are version 3
 * files from before sweeps and pipelines had a history (without their sections, or with every one
 * of them in the file). A file with a higher version is refused.
 */
export const STORE_VERSION = 3;

// Runs are checked by field rules (field-rules.ts): zod object schemas per run cost too much start-up.
const isParamValue = (v: unknown) => isString(v) || isNumber(v) || isBoolean(v);
const runStates: ReadonlySet<unknown> = new Set(RUN_STATES);

const numberRecord = z.custom<Record<string, number>>((v) => isRecordOf(v, isNumber), {
  message: 'Expected an object of numbers',
});

/** Kubernetes pass-through parts (volumes, tolerations, nodeSelector) stay as written. */
function isRunSpec(v: unknown): boolean {
  if (!isObject(v)) return false;
  const { resources, job } = v;
  return (
    isString(v.template) &&
    isRecordOf(v.params, isParamValue) &&
    isOptional(v.image, isString) &&
    isStringArray(v.command) &&
    isStringArray(v.args) &&
    isRecordOf(v.env, isString) &&
    isString(v.workdir) &&
    isObject(resources) &&
    isNumber(resources.gpu) &&
    isOptional(resources.cpu, isString) &&
    isOptional(resources.memory, isString) &&
    isObject(job) &&
    isNumber(job.backoffLimit) &&
    isOptional(v.progressPattern, isString)
  );
}

function isRowHistory(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (const sample of value) {
    if (!isObject(sample) || !isNumber(sample.at) || !isRecordOf(sample.values, isNumber)) return false;
  }
  return true;
}

const runFieldRules: FieldRules = {
  ...recordIdentity,
  spec: required(
    isRunSpec,
    'a run spec: template, params, command, args, env, workdir, resources { gpu } and job { backoffLimit }',
  ),
  options: optional((v) => isRecordOf(v, isString), 'an object of strings'),
  state: required((v) => runStates.has(v), `one of ${RUN_STATES.join(', ')}`),
  reason: optional(isString, A_STRING),
  exitCode: optional(Number.isSafeInteger, 'a whole number'),
  channel: required(isString, A_STRING),
  schedule: optional(isString, A_STRING),
  rerunOf: optional(isString, A_STRING),
  createdAt: required(isString, A_STRING),
  startedAt: optional(isString, A_STRING),
  endedAt: optional(isString, A_STRING),
  placement: optional(
    (v) => isObject(v) && isString(v.handle) && isOptional(v.namespace, isString),
    '{ handle, namespace? }',
  ),
  progress: optional(
    (v) => isObject(v) && isNumber(v.current) && isNumber(v.total) && isString(v.unit),
    '{ current, total, unit }',
  ),
  logCursor: optional(isString, A_STRING),
  card: optional((v) => isObject(v) && isString(v.channel) && isString(v.ts), '{ channel, ts }'),
  noticeSent: optional(isBoolean, 'true or false'),
};

/** Versions 2 and 3: columnar history; empty metrics and history are left out. */
const storedRunRules: FieldRules = {
  ...runFieldRules,
  metrics: optional((v) => isRecordOf(v, isNumber), 'an object of numbers'),
  history: optional(
    isColumnarHistory,
    '{ at: [...], values: { name: [...] }, steps?: [...] } with every column as long as at',
  ),
};
const storedRunListSchema = recordListSchema<StoredRun>(storedRunRules, 'run');

/** Version 1: a run exactly as in memory, one { at, values } object per history sample. */
const runV1ListSchema = recordListSchema<Run>(
  {
    ...runFieldRules,
    metrics: required((v) => isRecordOf(v, isNumber), 'an object of numbers'),
    history: required(isRowHistory, 'a list of { at, values } metric samples'),
  },
  'run',
);

const scheduleSchema = z.looseObject({
  name: z.string().min(1),
  cron: z.string(),
  timezone: z.string(),
  template: z.string(),
  params: z.record(z.string(), z.string()),
  options: z.record(z.string(), z.string()),
  policy: z.enum(['forbid', 'allow', 'replace']),
  channel: z.string(),
  owner: z.string(),
  paused: z.boolean(),
  createdAt: z.string(),
  lastFireAt: z.string().optional(),
  lastRunId: z.string().optional(),
  startingDeadlineSeconds: z.number(),
});

const envelopeFields = {
  /** Next short run number to hand out; only grows, so a number is never reused. */
  nextRunNumber: z.number().int().positive(),
  schedules: z.array(scheduleSchema),
  /** Idempotency keys and when they expire (ms since epoch). */
  keys: numberRecord,
};

/** Versions 2 and 3 share their fields; 3 is laid out one record a line and holds fewer runs. */
export const storeFileSchema = z.object({
  version: z.union([z.literal(2), z.literal(STORE_VERSION)]),
  ...envelopeFields,
  /** Version 3: where each kind's history ended when the file was written ([segment, byte]). */
  archivedTo: z
    .record(z.string(), z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]))
    .optional(),
  runs: storedRunListSchema,
  /** Absent from files written before sweeps and pipelines were stored. */
  sweeps: storedSweepListSchema.default([]),
  pipelines: storedPipelineListSchema.default([]),
});

/** Checks one run read from a history segment: undefined when it is good, else what is wrong. */
export const storedRunProblem = (value: unknown) => recordProblem(value, storedRunRules, 'run');

export const storeFileV1Schema = z.object({
  version: z.literal(1),
  ...envelopeFields,
  runs: runV1ListSchema,
});

import { z } from 'zod';
import { RUN_STATES, type Run } from '../../core/run/run.ts';
import { isColumnarHistory, type StoredRun } from './stored-run.ts';

/**
 * The live file format this code writes. Version 3 keeps only the live document (active runs, the
 * newest finished ones, schedules, keys) and one line per record; older finished runs live in
 * history segments. Versions 1 (row histories) and 2 (every run in the file) are still read, and
 * their finished runs move to segments on the next write. A file with a higher version is refused.
 */
export const STORE_VERSION = 3;

/*
 * A store of 10,000 finished runs is checked at every start-up. zod object schemas for each run
 * took 150–240 ms of a fresh process's start-up (and copied every run), so a run is checked by the
 * field rules below, inside one zod refinement: the file is still checked by zod at the border, each
 * problem still names its field (`runs.12.state: Expected one of ...`), and the run objects are
 * used as parsed. Unknown extra fields are kept, not rejected.
 */

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown) => typeof v === 'number';
const isString = (v: unknown) => typeof v === 'string';
const isBoolean = (v: unknown) => typeof v === 'boolean';
const isParamValue = (v: unknown) => isString(v) || isNumber(v) || isBoolean(v);
const isStringArray = (v: unknown) => Array.isArray(v) && v.every(isString);
const isOptional = (v: unknown, is: (v: unknown) => boolean) => v === undefined || is(v);
const runStates: ReadonlySet<unknown> = new Set(RUN_STATES);

function isRecordOf(value: unknown, isEntry: (entry: unknown) => boolean): boolean {
  if (!isObject(value)) return false;
  for (const key in value) if (!isEntry(value[key])) return false;
  return true;
}

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

/** What one field of a stored run must be, and how the error message describes it. */
interface FieldRule {
  required: boolean;
  is: (value: unknown) => boolean;
  expected: string;
}
const required = (is: FieldRule['is'], expected: string): FieldRule => ({ required: true, is, expected });
const optional = (is: FieldRule['is'], expected: string): FieldRule => ({ required: false, is, expected });

const A_STRING = 'a string';
const runFieldRules: Record<string, FieldRule> = {
  id: required((v) => isString(v) && v.length > 0, 'a non-empty string'),
  number: required((v) => Number.isSafeInteger(v) && (v as number) > 0, 'a positive whole number'),
  spec: required(
    isRunSpec,
    'a run spec: template, params, command, args, env, workdir, resources { gpu } and job { backoffLimit }',
  ),
  options: optional((v) => isRecordOf(v, isString), 'an object of strings'),
  state: required((v) => runStates.has(v), `one of ${RUN_STATES.join(', ')}`),
  reason: optional(isString, A_STRING),
  exitCode: optional(Number.isSafeInteger, 'a whole number'),
  launchedBy: required(isString, A_STRING),
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

/** The first field of a run that breaks its rules; '' when the run is not even an object. */
function brokenField(run: unknown, rules: Record<string, FieldRule>): string | undefined {
  if (!isObject(run)) return '';
  for (const field in rules) {
    const rule = rules[field];
    const value = run[field];
    if (value === undefined ? rule.required : !rule.is(value)) return field;
  }
  return undefined;
}

/**
 * A zod schema for the list of runs: one refinement over the whole list (zod's per-element
 * machinery alone cost more than the checks), reporting the first broken field by its path.
 */
function runListSchema<T>(rules: Record<string, FieldRule>) {
  return z
    .custom<T[]>((v) => Array.isArray(v), { message: 'Expected a list of runs' })
    .superRefine((runs, ctx) => {
      for (let i = 0; i < runs.length; i++) {
        const field = brokenField(runs[i], rules);
        if (field === undefined) continue;
        const message = field === '' ? 'Expected a run object' : `Expected ${rules[field].expected}`;
        ctx.addIssue({ code: 'custom', path: field === '' ? [i] : [i, field], message });
        return;
      }
    });
}

/** Versions 2 and 3: columnar history; empty metrics and history are left out. */
const storedRunRules: Record<string, FieldRule> = {
  ...runFieldRules,
  metrics: optional((v) => isRecordOf(v, isNumber), 'an object of numbers'),
  history: optional(
    isColumnarHistory,
    '{ at: [...], values: { name: [...] }, steps?: [...] } with every column as long as at',
  ),
};
const storedRunListSchema = runListSchema<StoredRun>(storedRunRules);

/** Version 1: a run exactly as in memory, one { at, values } object per history sample. */
const runV1ListSchema = runListSchema<Run>({
  ...runFieldRules,
  metrics: required((v) => isRecordOf(v, isNumber), 'an object of numbers'),
  history: required(isRowHistory, 'a list of { at, values } metric samples'),
});

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

/**
 * Sweeps and pipelines in the live file: checked for what the store itself relies on (id, number,
 * owner); the services that own them read the rest, which they wrote.
 */
const groupRecordList = z
  .array(
    z.looseObject({ id: z.string().min(1), number: z.number().int().positive(), launchedBy: z.string() }),
  )
  .default([]);

/** Versions 2 and 3 share their fields; 3 is laid out one record a line and holds fewer runs. */
export const storeFileSchema = z.object({
  version: z.union([z.literal(2), z.literal(STORE_VERSION)]),
  ...envelopeFields,
  /** Version 3: where each kind's history ended when the file was written ([segment, byte]). */
  archivedTo: z
    .record(z.string(), z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]))
    .optional(),
  runs: storedRunListSchema,
  sweeps: groupRecordList,
  pipelines: groupRecordList,
});

/** Checks one run read from a history segment: undefined when it is good, else what is wrong. */
export function storedRunProblem(value: unknown): string | undefined {
  const field = brokenField(value, storedRunRules);
  if (field === undefined) return undefined;
  return field === '' ? 'Expected a run object' : `${field}: Expected ${storedRunRules[field].expected}`;
}

export const storeFileV1Schema = z.object({
  version: z.literal(1),
  ...envelopeFields,
  runs: runV1ListSchema,
});

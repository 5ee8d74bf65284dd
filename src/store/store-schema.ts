import { z } from 'zod';
import { type MetricSample, RUN_STATES, type RunSpec } from '../core/run/run.ts';
import { type ColumnarHistory, isColumnarHistory, type StoredRun } from './stored-run.ts';

/**
 * The store file format this code writes. Version 1 (row histories) is still read and rewritten
 * as version 2 (columnar histories) on the next write; a file with a higher version is refused.
 */
export const STORE_VERSION = 2;

/*
 * A store of 10,000 finished runs is checked at every start-up, so per-run checks are measured:
 * zod objects for a run's own fields, and plain functions (wrapped in z.custom) for the parts
 * made of many small values — spec, metrics, histories — where zod objects and records cost the
 * most. Unknown extra fields are kept, not rejected.
 */

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown) => typeof v === 'number';
const isString = (v: unknown) => typeof v === 'string';
const isParamValue = (v: unknown) => isString(v) || isNumber(v) || typeof v === 'boolean';
const isStringArray = (v: unknown) => Array.isArray(v) && v.every(isString);
const isOptional = (v: unknown, is: (v: unknown) => boolean) => v === undefined || is(v);

function isRecordOf(value: unknown, isEntry: (entry: unknown) => boolean): boolean {
  if (!isObject(value)) return false;
  for (const key in value) if (!isEntry(value[key])) return false;
  return true;
}

const numberRecord = z.custom<Record<string, number>>((v) => isRecordOf(v, isNumber), {
  message: 'Expected an object of numbers',
});

/**
 * Every run carries a spec of a dozen small objects and arrays; a zod object schema for it took a
 * third of the per-run check (and copied each part), so it is this plain function instead.
 * Kubernetes pass-through parts (volumes, tolerations, nodeSelector) stay as written.
 */
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

const runSpecSchema = z.custom<RunSpec>(isRunSpec, {
  message:
    'Expected a run spec: template, params, command, args, env, workdir, resources { gpu } and job { backoffLimit }',
});

const runFields = {
  id: z.string().min(1),
  number: z.number().int().positive(),
  spec: runSpecSchema,
  state: z.enum(RUN_STATES),
  reason: z.string().optional(),
  exitCode: z.number().int().optional(),
  launchedBy: z.string(),
  channel: z.string(),
  schedule: z.string().optional(),
  rerunOf: z.string().optional(),
  createdAt: z.string(),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  placement: z.object({ handle: z.string(), namespace: z.string().optional() }).optional(),
  progress: z.object({ current: z.number(), total: z.number(), unit: z.string() }).optional(),
  card: z.object({ channel: z.string(), ts: z.string() }).optional(),
  noticeSent: z.boolean().optional(),
};

/** Version 2: columnar history; empty metrics and history are left out. */
const storedRunSchema = z.looseObject({
  ...runFields,
  metrics: numberRecord.optional(),
  history: z
    .custom<ColumnarHistory>(isColumnarHistory, {
      message: 'Expected { at: [...], values: { name: [...] } } with every column as long as at',
    })
    .optional(),
});

function isRowHistory(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (const sample of value) {
    if (typeof sample !== 'object' || sample === null || typeof sample.at !== 'number') return false;
    if (!isRecordOf(sample.values, isNumber)) return false;
  }
  return true;
}

/** Version 1: a run exactly as in memory, one { at, values } object per history sample. */
const runV1Schema = z.looseObject({
  ...runFields,
  metrics: numberRecord,
  history: z.custom<MetricSample[]>(isRowHistory, {
    message: 'Expected a list of { at, values } metric samples',
  }),
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

export const storeFileSchema = z.object({
  version: z.literal(STORE_VERSION),
  ...envelopeFields,
  runs: z.array(storedRunSchema),
});

export const storeFileV1Schema = z.object({
  version: z.literal(1),
  ...envelopeFields,
  runs: z.array(runV1Schema),
});

export type StoreFile = Omit<z.infer<typeof storeFileSchema>, 'runs'> & { runs: StoredRun[] };
export type StoreFileV1 = z.infer<typeof storeFileV1Schema>;

export function emptyStoreFile(): StoreFile {
  return { version: STORE_VERSION, nextRunNumber: 1, runs: [], schedules: [], keys: {} };
}

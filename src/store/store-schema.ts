import { z } from 'zod';
import { type MetricSample, RUN_STATES } from '../core/run/run.ts';
import { type ColumnarHistory, isColumnarHistory, type StoredRun } from './stored-run.ts';

/**
 * The store file format this code writes. Version 1 (row histories) is still read and rewritten
 * as version 2 (columnar histories) on the next write; a file with a higher version is refused.
 */
export const STORE_VERSION = 2;

/*
 * A store of 10,000 finished runs is checked at every start-up, so per-run checks are measured:
 * zod objects for the fields Trainyard reads, and plain loops (wrapped in z.custom) for the parts
 * made of many small values — params, env, metrics, histories — where z.record costs the most.
 * Kubernetes pass-through parts (volumes, tolerations) stay as written, and unknown extra fields
 * are kept, not rejected.
 */

function isRecordOf(value: unknown, isEntry: (entry: unknown) => boolean): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const key in value) if (!isEntry((value as Record<string, unknown>)[key])) return false;
  return true;
}
const isNumber = (v: unknown) => typeof v === 'number';
const isString = (v: unknown) => typeof v === 'string';
const isParamValue = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

const numberRecord = z.custom<Record<string, number>>((v) => isRecordOf(v, isNumber), {
  message: 'Expected an object of numbers',
});
const stringRecord = z.custom<Record<string, string>>((v) => isRecordOf(v, isString), {
  message: 'Expected an object of strings',
});
const paramsRecord = z.custom<Record<string, string | number | boolean>>((v) => isRecordOf(v, isParamValue), {
  message: 'Expected an object of strings, numbers or booleans',
});

const runSpecSchema = z.looseObject({
  template: z.string(),
  params: paramsRecord,
  image: z.string().optional(),
  command: z.array(z.string()),
  args: z.array(z.string()),
  env: stringRecord,
  workdir: z.string(),
  resources: z.looseObject({ cpu: z.string().optional(), memory: z.string().optional(), gpu: z.number() }),
  job: z.looseObject({ backoffLimit: z.number() }),
  progressPattern: z.string().optional(),
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

import { z } from 'zod';
import { type MetricSample, RUN_STATES } from '../core/run/run.ts';

/** The store file format this code reads and writes. A file with a higher version is refused. */
export const STORE_VERSION = 1;

const paramValue = z.union([z.string(), z.number(), z.boolean()]);

// The spec is checked for the fields Trainyard relies on; Kubernetes pass-through parts
// (volumes, tolerations) stay as written, and unknown extra fields are kept, not rejected.
const runSpecSchema = z.looseObject({
  template: z.string(),
  params: z.record(z.string(), paramValue),
  image: z.string().optional(),
  command: z.array(z.string()),
  args: z.array(z.string()),
  env: z.record(z.string(), z.string()),
  workdir: z.string(),
  resources: z.looseObject({ cpu: z.string().optional(), memory: z.string().optional(), gpu: z.number() }),
  job: z.looseObject({ backoffLimit: z.number() }),
  progressPattern: z.string().optional(),
});

/**
 * Histories are most of the objects in a store file (10,000 runs × dozens of samples), so they are
 * checked by this plain loop instead of a zod object schema: same rules, several times faster at start-up.
 */
function isHistory(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (const sample of value) {
    if (typeof sample !== 'object' || sample === null || typeof sample.at !== 'number') return false;
    const values = sample.values;
    if (typeof values !== 'object' || values === null || Array.isArray(values)) return false;
    for (const key in values) if (typeof values[key] !== 'number') return false;
  }
  return true;
}

const runSchema = z.looseObject({
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
  metrics: z.record(z.string(), z.number()),
  history: z.custom<MetricSample[]>(isHistory, {
    message: 'Expected a list of { at, values } metric samples',
  }),
  card: z.object({ channel: z.string(), ts: z.string() }).optional(),
  noticeSent: z.boolean().optional(),
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

export const storeFileSchema = z.object({
  version: z.literal(STORE_VERSION),
  /** Next short run number to hand out; only grows, so a number is never reused. */
  nextRunNumber: z.number().int().positive(),
  runs: z.array(runSchema),
  schedules: z.array(scheduleSchema),
  /** Idempotency keys and when they expire (ms since epoch). */
  keys: z.record(z.string(), z.number()),
});

export type StoreFile = z.infer<typeof storeFileSchema>;

export function emptyStoreFile(): StoreFile {
  return { version: STORE_VERSION, nextRunNumber: 1, runs: [], schedules: [], keys: {} };
}

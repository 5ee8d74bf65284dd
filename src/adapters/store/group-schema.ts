import type { PipelineRun } from '../../core/pipeline/pipeline-run.ts';
import { SWEEP_STATES, type Sweep } from '../../core/sweep/sweep.ts';
import {
  type FieldRules,
  isBoolean,
  isObject,
  isString,
  optional,
  recordIdentity,
  recordListSchema,
  recordProblem,
  required,
} from './field-rules.ts';

/*
 * Sweeps and pipelines at the store's border (live file and history segments). The services that
 * own them read the rest of each record, which they wrote, and add fields as they grow: so the
 * rules check what the store itself relies on (id, number and owner to file and find a record;
 * what tells whether it is settled; the list or map that makes it a sweep or a pipeline, so a line
 * of another kind is not taken for one) and keep every other field as it is.
 */

const sweepStates: ReadonlySet<unknown> = new Set(SWEEP_STATES);
const PIPELINE_ENDS: ReadonlySet<unknown> = new Set(['succeeded', 'failed', 'stopped']);

/** What the chat may still be owed besides the notice: read loosely, as for runs. */
const owed: FieldRules = {
  noticeSent: optional(isBoolean, 'true or false'),
  cardStale: optional(isBoolean, 'true or false'),
};

const sweepRules: FieldRules = {
  ...recordIdentity,
  state: required((v) => sweepStates.has(v), `one of ${SWEEP_STATES.join(', ')}`),
  trials: required(Array.isArray, 'a list of trials'),
  ...owed,
};

const pipelineRules: FieldRules = {
  ...recordIdentity,
  steps: required(isObject, 'an object of step states'),
  end: optional(
    (v) => isObject(v) && PIPELINE_ENDS.has(v.state) && (v.reason === undefined || isString(v.reason)),
    '{ state: succeeded, failed or stopped, reason? }',
  ),
  ...owed,
};

export const storedSweepListSchema = recordListSchema<Sweep>(sweepRules, 'sweep');
export const storedPipelineListSchema = recordListSchema<PipelineRun>(pipelineRules, 'pipeline');

/** What is wrong with a sweep read from a history segment, or undefined when it is good. */
export const sweepProblem = (value: unknown) => recordProblem(value, sweepRules, 'sweep');
export const pipelineProblem = (value: unknown) => recordProblem(value, pipelineRules, 'pipeline');

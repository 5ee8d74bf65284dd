import type { Params } from '../run/run.ts';

/**
 * The stored state of each step instance (by instance key, see matrix.ts) of one pipeline run.
 * The DAG executor decides only from this, so a restarted bot decides exactly as before.
 * An instance missing from the record has not started.
 */
export type StepState =
  | { state: 'waiting' }
  /** Recorded with its run id before the run is submitted, so it can never start twice. */
  | { state: 'running'; runId: string }
  /** `outputs` as runOutputs(run) gave them when the run succeeded (metrics as text included). */
  | { state: 'succeeded'; runId: string; outputs: Record<string, string> }
  /** A run that failed or was lost; without a run id when the step could not even start. */
  | { state: 'failed'; runId?: string; reason: string }
  | { state: 'stopped'; runId?: string; reason: string }
  | { state: 'skipped'; reason: string; cause: SkipCause };

export type StepStates = Readonly<Record<string, StepState>>;

export type StepStateName = StepState['state'];

/** Why an instance was skipped, for views that say it with a mention or a link. */
export type SkipCause =
  /** A step it needs, directly or further up, failed or was stopped. */
  | { kind: 'need'; step: string; outcome: 'failed' | 'stopped' }
  /** Another run of the same matrix failed or was stopped, so the step cannot succeed. */
  | { kind: 'sibling'; key: string; outcome: 'failed' | 'stopped' }
  /** The pipeline was stopped (by a Slack user id) before the instance started. */
  | { kind: 'pipeline-stopped'; by: string };

/** What the executor reads from a pipeline run record to decide. */
export interface PipelineProgress {
  /** The pipeline's launch params, resolved and typed (resolveParams on the pipeline). */
  params: Params;
  steps: StepStates;
  /** Set once someone asked to stop the pipeline; never cleared. */
  stop?: { by: string };
}

export const WAITING: StepState = { state: 'waiting' };

export function stateOf(steps: StepStates, key: string): StepState {
  return Object.hasOwn(steps, key) ? steps[key] : WAITING;
}

const ENDED = new Set<StepStateName>(['succeeded', 'failed', 'stopped', 'skipped']);
export const isStepEnded = (s: StepState): boolean => ENDED.has(s.state);

/**
 * The sentence stored as the skipped instance's reason, e.g. `skipped: needs train, which failed`.
 * Plain text like every stored reason (views escape it): who stopped the pipeline is written
 * `@U123` here, and views that can mention a user say it from the cause instead.
 */
export function skipReason(cause: SkipCause): string {
  const outcome = (o: 'failed' | 'stopped') => (o === 'failed' ? 'failed' : 'was stopped');
  switch (cause.kind) {
    case 'need':
      return `skipped: needs ${cause.step}, which ${outcome(cause.outcome)}`;
    case 'sibling':
      return `skipped: ${cause.key} ${outcome(cause.outcome)}, so step ${cause.key.split('#')[0]} cannot succeed`;
    case 'pipeline-stopped':
      return `skipped: pipeline stopped by @${cause.by}`;
  }
}

import { finalOutputs } from '../core/pipeline/final-outputs.ts';
import { stepInstances } from '../core/pipeline/matrix.ts';
import { pickBest } from '../core/pipeline/pick-best.ts';
import type { PipelineStep } from '../core/pipeline/pipeline.ts';
import type { PipelineRun, PipelineRunState } from '../core/pipeline/pipeline-run.ts';
import { type SkipCause, type StepState, type StepStateName, stateOf } from '../core/pipeline/step-state.ts';
import { plural } from '../core/plural.ts';
import { MAX_LISTED_ARTIFACTS, type Run } from '../core/run/run.ts';
import { runOutputs } from '../core/run/run-outputs.ts';
import { STATE_EMOJI } from './format.ts';
import { artifactList } from './run-facts.ts';

/**
 * Facts about a pipeline run that the Block Kit and console views share, so both say the same:
 * its state word and emoji, its duration, and what each step's line shows.
 */

/**
 * The facts one line of a pipeline card shows about a step. Nothing here is escaped: text from
 * YAML, jobs and the cluster is escaped by each renderer for its medium.
 */
export interface StepSummary {
  step: string;
  template: string;
  state: StepStateName;
  emoji: string;
  /** `3 runs: 2 succeeded, 1 running` for a matrix; the state word otherwise. */
  label: string;
  /** Numbers of the step's runs that were started (and are still kept), in matrix order. */
  runNumbers: number[];
  /** From its first run's start to its last run's end (or now); undefined before any run started. */
  durationMs?: number;
  /** A few outputs: the run's, or the best run's so far for a matrix with an objective. */
  outputs: Array<[name: string, value: string]>;
  /** Run number of the best run so far, for a matrix with an objective. */
  bestRun?: number;
  /** Why it failed, was stopped or skipped (the first such run of a matrix, prefixed by its key). */
  reason?: string;
  /** Set when skipped, so a renderer can say it with a mention instead of the stored text. */
  cause?: SkipCause;
}

export const PIPELINE_EMOJI: Record<PipelineRunState, string> = {
  running: STATE_EMOJI.running,
  stopping: STATE_EMOJI.stopped,
  succeeded: STATE_EMOJI.succeeded,
  failed: STATE_EMOJI.failed,
  stopped: STATE_EMOJI.stopped,
};

export const PIPELINE_LABEL: Record<PipelineRunState, string> = {
  running: 'Running',
  stopping: 'Stopping',
  succeeded: 'Succeeded',
  failed: 'Failed',
  stopped: 'Stopped',
};

/** From launch to end (or now). */
export function pipelineDuration(record: Pick<PipelineRun, 'createdAt' | 'endedAt'>, now: Date): number {
  const to = record.endedAt ? Date.parse(record.endedAt) : now.getTime();
  return Math.max(0, to - Date.parse(record.createdAt));
}

export const SKIPPED_EMOJI = '⏭️';
/** How many outputs a step line shows; the completion notice shows all final outputs. */
export const STEP_LINE_OUTPUTS = 3;

/** One summary per step, in the pipeline's (topological) order. */
export function summarizeSteps(
  record: Pick<PipelineRun, 'pipeline' | 'steps'>,
  lookupRun: (id: string) => Run | undefined,
  now: Date,
): StepSummary[] {
  return record.pipeline.steps.map((step) => summarizeStep(step, record.steps, lookupRun, now));
}

function summarizeStep(
  step: PipelineStep,
  steps: PipelineRun['steps'],
  lookupRun: (id: string) => Run | undefined,
  now: Date,
): StepSummary {
  const instances = stepInstances(step).map((i) => {
    const state = stateOf(steps, i.key);
    const runId = 'runId' in state ? state.runId : undefined;
    return { key: i.key, state, run: runId ? lookupRun(runId) : undefined };
  });
  const state = stepState(instances.map((i) => i.state));
  const running = instances.find((i) => i.state.state === 'running')?.run;
  const summary: StepSummary = {
    step: step.name,
    template: step.template,
    state,
    // A running step shows where its run is (building, pending, running), as run cards do.
    emoji:
      state === 'skipped'
        ? SKIPPED_EMOJI
        : STATE_EMOJI[running && state === 'running' ? running.state : toRunState(state)],
    label: step.matrix ? matrixLabel(instances.map((i) => i.state.state)) : state,
    runNumbers: instances.flatMap((i) => (i.run ? [i.run.number] : [])),
    outputs: [],
  };
  const duration = spanOf(
    instances.flatMap((i) => (i.run ? [i.run] : [])),
    now,
  );
  if (duration !== undefined) summary.durationMs = duration;

  const succeeded = instances.flatMap((i) =>
    i.state.state === 'succeeded'
      ? [{ key: i.key, runId: i.state.runId, outputs: outputsOf(i.state, i.run), run: i.run }]
      : [],
  );
  if (!step.matrix) {
    if (succeeded[0]) summary.outputs = Object.entries(succeeded[0].outputs).slice(0, STEP_LINE_OUTPUTS);
  } else if (step.objective) {
    const best = pickBest(succeeded, step.objective);
    if (best) {
      summary.outputs = Object.entries(best.outputs).slice(0, STEP_LINE_OUTPUTS);
      if (best.run) summary.bestRun = best.run.number;
    }
  }

  // The run that says most about the trouble: a failure before a stop before a skip.
  const troubled = (['failed', 'stopped', 'skipped'] as const)
    .map((s) => instances.find((i) => i.state.state === s))
    .find((i) => i !== undefined);
  if (troubled && 'reason' in troubled.state) {
    summary.reason =
      step.matrix && troubled.state.state !== 'skipped'
        ? `${troubled.key}: ${troubled.state.reason}`
        : troubled.state.reason;
    if (troubled.state.state === 'skipped' && state === 'skipped') summary.cause = troubled.state.cause;
  }
  return summary;
}

/** The step's state from its runs': trouble first, then what is going on, then how it ended. */
function stepState(states: StepState[]): StepStateName {
  const has = (s: StepStateName) => states.some((x) => x.state === s);
  for (const s of ['failed', 'stopped', 'running', 'waiting'] as const) if (has(s)) return s;
  return has('skipped') ? 'skipped' : 'succeeded';
}

function toRunState(state: Exclude<StepStateName, 'skipped'>) {
  return state === 'waiting' ? 'queued' : state;
}

function matrixLabel(states: StepStateName[]): string {
  const counts = new Map<StepStateName, number>();
  for (const s of states) counts.set(s, (counts.get(s) ?? 0) + 1);
  const order: StepStateName[] = ['succeeded', 'running', 'waiting', 'failed', 'stopped', 'skipped'];
  const parts = order.filter((s) => counts.has(s)).map((s) => `${counts.get(s)} ${s}`);
  return `${plural(states.length, 'run')}: ${parts.join(', ')}`;
}

/** Outputs as stored when the run succeeded; the run's own, should the state predate them. */
function outputsOf(state: Extract<StepState, { state: 'succeeded' }>, run?: Run): Record<string, string> {
  return Object.keys(state.outputs).length > 0 || !run ? state.outputs : runOutputs(run);
}

function spanOf(runs: Run[], now: Date): number | undefined {
  const started = runs.filter((r) => r.startedAt !== undefined);
  if (started.length === 0) return undefined;
  const from = Math.min(...started.map((r) => Date.parse(r.startedAt as string)));
  const to = Math.max(...started.map((r) => (r.endedAt ? Date.parse(r.endedAt) : now.getTime())));
  return Math.max(0, to - from);
}

/** The files one step run left, for the pipeline's notice. */
export interface StepArtifacts {
  key: string;
  number: number;
  runId: string;
  /**
   * `name (size)` entries, the run's share of the notice's MAX_LISTED_ARTIFACTS, then
   * `, and 3 more files` when some were left out; `3 files (not listed)` when the share was none.
   */
  list: string;
}

/**
 * What the pipeline's step runs left in their artifacts folders, step by step, at most
 * MAX_LISTED_ARTIFACTS files in all; `notKept` when the runtime kept none (one note says so).
 */
export function pipelineArtifacts(
  record: Pick<PipelineRun, 'pipeline' | 'steps'>,
  lookupRun: (id: string) => Run | undefined,
): { steps: StepArtifacts[]; notKept: boolean } {
  const steps: StepArtifacts[] = [];
  let notKept = false;
  let room = MAX_LISTED_ARTIFACTS;
  for (const step of record.pipeline.steps) {
    for (const instance of stepInstances(step)) {
      const state = stateOf(record.steps, instance.key);
      const run = 'runId' in state && state.runId ? lookupRun(state.runId) : undefined;
      if (!run?.artifacts) continue;
      if (!run.artifacts.kept) notKept = true;
      const files = run.artifacts.files ?? [];
      if (files.length === 0) continue;
      const shown = files.slice(0, Math.max(0, room));
      room -= shown.length;
      const count = run.artifacts.count ?? files.length;
      // Earlier steps may have used up the listing: then the count alone, not ", and N more".
      const list =
        artifactList({ kept: run.artifacts.kept, files: shown, count }) ??
        `${plural(count, 'file')} (not listed)`;
      steps.push({ key: instance.key, number: run.number, runId: run.id, list });
    }
  }
  return { steps, notKept };
}

/** `epochs=3 lr=0.1`: the params the pipeline was launched with; empty when there are none. */
export function pipelineParamsText(record: Pick<PipelineRun, 'params'>): string {
  return Object.entries(record.params)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}

/** One final step's outputs for the completion notice: `pairs` is `name=value …`, never empty. */
export interface FinalOutputLine {
  key: string;
  /** The step run's number, when the run is still kept. */
  number?: number;
  best: boolean;
  pairs: string;
}

/** The outputs of the pipeline's final steps that set any, for the completion notice. */
export function finalOutputLines(
  record: Pick<PipelineRun, 'pipeline' | 'steps'>,
  lookupRun: (id: string) => Run | undefined,
): FinalOutputLine[] {
  return finalOutputs(record.pipeline, record.steps).flatMap((o) => {
    const pairs = Object.entries(o.outputs).map(([k, v]) => `${k}=${v}`);
    if (pairs.length === 0) return [];
    return [
      { key: o.key, number: lookupRun(o.runId)?.number, best: Boolean(o.best), pairs: pairs.join(' ') },
    ];
  });
}

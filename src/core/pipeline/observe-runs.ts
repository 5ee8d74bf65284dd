import { isEnded, type Run } from '../run/run.ts';
import { runOutputs } from '../run/run-outputs.ts';
import type { StepState, StepStates } from './step-state.ts';

/** What became of the runs a pipeline's running instances wait for. */
export interface Observation {
  /** The step states with every ended run folded in (a new object only when something changed). */
  steps: StepStates;
  changed: boolean;
  /**
   * Instances stored as running whose run does not exist: the bot stopped between storing the
   * decision and creating the run. They are started again (with the same run id).
   */
  missing: string[];
}

/**
 * Folds the end of each running instance's run into the stored step states: a success with its
 * outputs (metrics as text included), a failure or loss with its reason, a stop with its reason.
 * Pure: `runOf` answers the run with that id, or undefined when there is none.
 */
export function observeRuns(steps: StepStates, runOf: (id: string) => Run | undefined): Observation {
  const next: Record<string, StepState> = { ...steps };
  let changed = false;
  const missing: string[] = [];
  for (const [key, state] of Object.entries(steps)) {
    if (state.state !== 'running') continue;
    const run = runOf(state.runId);
    if (!run) {
      missing.push(key);
      continue;
    }
    if (!isEnded(run.state)) continue;
    next[key] = endedState(run);
    changed = true;
  }
  return { steps: changed ? next : steps, changed, missing };
}

function endedState(run: Run): StepState {
  const runId = run.id;
  switch (run.state) {
    case 'succeeded':
      return { state: 'succeeded', runId, outputs: runOutputs(run) };
    case 'stopped':
      return {
        state: 'stopped',
        runId,
        reason:
          run.reason ?? (run.stoppedBy ? `stopped by @${run.stoppedBy}` : `run #${run.number} was stopped`),
      };
    default:
      return {
        state: 'failed',
        runId,
        reason: run.reason ?? `run #${run.number} ${run.state === 'lost' ? 'was lost' : 'failed'}`,
      };
  }
}

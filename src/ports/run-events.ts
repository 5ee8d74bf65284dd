import type { Run } from '../core/run/run.ts';

/** Call it to stop listening. */
export type Unsubscribe = () => void;

/**
 * Run changes as they happen, for services that follow runs they did not start themselves or
 * report for runs they did (sweeps, pipelines, the Home tab). Implementation: RunEventHub.
 * Listeners are called synchronously after the change is stored; one that throws is logged and
 * never affects the run or the other listeners.
 */
export interface RunEvents {
  /** Every change people could see (state, reason, progress, metrics, placement), after it is stored. */
  onRunChanged(listener: (run: Run) => void): Unsubscribe;
  /**
   * Once per run, when it reaches an end state — also for a run the runtime reports ended after a
   * restart. Called before the completion notice is sent.
   */
  onRunEnded(listener: (run: Run) => void): Unsubscribe;
}

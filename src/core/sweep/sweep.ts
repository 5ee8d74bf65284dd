import type { RawOptions } from '../command/command.ts';
import type { MessageRef, Params, RunState } from '../run/run.ts';
import type { ParamSpace } from './space.ts';

export const SWEEP_ALGOS = ['grid', 'random', 'tpe'] as const;
export type SweepAlgo = (typeof SWEEP_ALGOS)[number];

export const SWEEP_GOALS = ['min', 'max'] as const;
export type SweepGoal = (typeof SWEEP_GOALS)[number];

export const EARLY_STOP_RULES = ['none', 'median', 'asha'] as const;
export type EarlyStopRule = (typeof EARLY_STOP_RULES)[number];

/**
 * Everything that decides which trials a sweep runs, fixed when the sweep is planned and stored
 * with it; with the seed it makes every suggestion reproducible after a restart.
 */
export interface SweepDefinition {
  /** The searched params, in the order the command gave them (the grid varies the last fastest). */
  spaces: ParamSpace[];
  /** Every other param of the template, typed, with defaults filled in. */
  fixed: Params;
  algo: SweepAlgo;
  /** How many trials the sweep runs in all (for grid: every point, or fewer with --trials). */
  trials: number;
  /** At most this many trials at once. */
  parallel: number;
  metric: string;
  goal: SweepGoal;
  earlyStop: EarlyStopRule;
  seed: number;
  /** Launch options given with the sweep (`--gpu 2`), applied to every trial as to a launch. */
  launchOptions: RawOptions;
}

export const SWEEP_STATES = ['queued', 'running', 'succeeded', 'failed', 'stopped'] as const;
export type SweepState = (typeof SWEEP_STATES)[number];

export const isSweepEnded = (state: SweepState): boolean =>
  state === 'succeeded' || state === 'failed' || state === 'stopped';

/** One trial of a sweep. Its run does the work; the trial keeps what the sweep needs of it. */
export interface SweepTrial {
  /** 1, 2, … in creation order; never reused (the `trainyard.io/trial` annotation). */
  index: number;
  /** The full params of its run: the fixed ones and the suggested values of the spaces. */
  params: Params;
  runId?: string;
  /** The run's number (`#58`), so cards can point at `logs 58`. */
  runNumber?: number;
  /** `queued` until its run exists; then its run's state. */
  state: RunState;
  /** Latest value of the sweep's metric. */
  value?: number;
  /** The step (epoch) of that value, when the run reports progress. */
  step?: number;
  /** ASHA: the value recorded at each rung this trial reached (rung 0 at step 1, rung 1 at 3, …). */
  rungValues?: number[];
  /** The sweep asked its run to stop (early stopping, sweep stopped or failed); set once. */
  stopRequested?: boolean;
  /** Stopped by the early-stopping rule; a finished trial for TPE, with its last value. */
  stoppedEarly?: boolean;
  /** Why it stopped early, failed or was stopped: plain text (it may quote the job), the views escape it. */
  reason?: string;
}

/** A sweep as the store keeps it: plain JSON, O(trials). */
export interface Sweep {
  /** Stable id, used in labels: `s-` + 10 base36 chars. */
  id: string;
  /** From the same sequence as run numbers: `sweep #57`. */
  number: number;
  template: string;
  definition: SweepDefinition;
  launchedBy: string;
  channel: string;
  createdAt: string;
  endedAt?: string;
  state: SweepState;
  /** Why it failed: plain text (it may quote a trial's failure), the views escape it. */
  reason?: string;
  /**
   * Set by `/train stop <sweep>` or the Stop sweep button; decideSweep does the rest. The views
   * name who stopped it from here, as they do with a run's `stoppedBy`.
   */
  stopRequest?: { by: string; at: string };
  /** The sweep card, once posted. */
  card?: MessageRef;
  /** Set once the fan-in notice went out, so a restart never sends it twice. */
  noticeSent?: boolean;
  trials: SweepTrial[];
}

/** A new sweep record, before any trial: store it, then let decideSweep start the first trials. */
export function createSweep(
  fields: Pick<Sweep, 'id' | 'number' | 'template' | 'definition' | 'launchedBy' | 'channel' | 'createdAt'>,
): Sweep {
  return { ...fields, state: 'queued', trials: [] };
}

/** The sweep with a stop requested (idempotent: the first request is kept). */
export function requestSweepStop(sweep: Sweep, by: string, at: Date): Sweep {
  if (sweep.stopRequest || isSweepEnded(sweep.state)) return sweep;
  return { ...sweep, stopRequest: { by, at: at.toISOString() } };
}

import { isEnded } from '../run/run.ts';
import { checkAshaRule, checkMedianRule, type MetricPoint, recordAshaRungs } from './early-stopping.ts';
import type { TrialRun } from './observe-run.ts';
import { rankTrials } from './rank-trials.ts';
import { finishedTrials, suggestTrialParams } from './suggest-trial.ts';
import { isSweepEnded, type Sweep, type SweepState, type SweepTrial } from './sweep.ts';

/** A trial run to stop, with the reason to give its run (plain text) and who asked, if a person did. */
export interface TrialStop {
  index: number;
  runId: string;
  reason: string;
  /** The user who stopped the sweep: record it on the run as `stoppedBy`. */
  stoppedBy?: string;
}

/** What the service should do now for one sweep; see decideSweep. */
export interface SweepDecision {
  /** The record as it should be stored: trials refreshed from their runs, new trials added, state derived. */
  sweep: Sweep;
  /** Trials to create runs for, in index order: the new ones and any stored without a run (a crash in between). */
  launch: SweepTrial[];
  /** Runs to stop now, each decided in this call (early stopping, sweep stopped or failed). */
  stop: TrialStop[];
  /** Runs that an earlier call decided to stop and that still run: ask again after a restart. */
  stillStopping: TrialStop[];
  /** The sweep has ended: every trial it will ever run has ended. */
  finished: boolean;
  /** The fan-in notice is due: finished, and not yet sent (`noticeSent`). */
  notice: boolean;
  /** The best succeeded trial so far, and the best five. */
  best?: SweepTrial;
  top: SweepTrial[];
  /** False when the record is exactly as it was (nothing to store). */
  changed: boolean;
}

/** A sweep whose first this-many trials all failed ends instead of burning its budget. */
export const FAILED_START_TRIALS = 3;

/**
 * The sweep controller: from the stored sweep and the current state of its trials' runs, what
 * to do now. Pure, and restart-safe by construction: it reads only the stored record and the
 * runs, so calling it again after a crash decides the same; trial indexes are handed out in
 * order and never reused, so no trial runs twice and (grid) no point is skipped.
 *
 * `runs` maps trial index → its run. Build it from the store's runs that carry this sweep's id
 * and trial index (the `trainyard.io/trial` annotation), not from `trial.runId`: then a crash
 * between creating a run and storing its id finds the run and never launches the trial twice.
 *
 * The service stores `decision.sweep`, then creates runs for `launch` (a trial counts against
 * --parallel from the moment it is stored), stops the runs in `stop` with their reasons (and
 * `stillStopping` once after a restart), posts the fan-in notice when `notice`, and calls this
 * again whenever a trial's run changes.
 */
export function decideSweep(sweep: Sweep, runs: ReadonlyMap<number, TrialRun>, now: Date): SweepDecision {
  const def = sweep.definition;
  const trials = sweep.trials.map((t) => refreshTrial(t, runs.get(t.index)));
  const stop: TrialStop[] = [];
  const stillStopping = trials
    .filter((t) => t.stopRequested && t.runId && !isEnded(t.state))
    .map((t) =>
      withStopper({ index: t.index, runId: t.runId as string, reason: t.reason ?? 'stopped' }, sweep),
    );

  const ended = isSweepEnded(sweep.state);
  const halt = ended ? undefined : haltOf(sweep, trials);
  if (halt) {
    for (const t of trials) {
      if (isEnded(t.state) || t.stopRequested) continue;
      t.stopRequested = true;
      if (t.runId) {
        t.reason = halt.trialReason;
        stop.push(withStopper({ index: t.index, runId: t.runId, reason: halt.trialReason }, sweep));
      } else {
        // Stored but never launched: it ends here, and nothing will start it.
        t.state = 'stopped';
        t.reason = `never started: ${halt.trialReason}`;
      }
    }
  } else if (!ended) {
    stop.push(...earlyStops(sweep, trials, runs));
    addTrials(sweep, trials);
  }

  const launch =
    ended || halt ? [] : trials.filter((t) => !t.runId && !runs.has(t.index) && !isEnded(t.state));
  const allEnded = trials.every((t) => isEnded(t.state));
  const finished = ended || (allEnded && (halt !== undefined || trials.length >= def.trials));
  const next: Sweep = { ...sweep, trials };
  if (!ended) {
    const { state, reason } = finished
      ? endState(trials, halt)
      : { state: liveState(trials), reason: undefined };
    next.state = state;
    if (reason === undefined) delete next.reason;
    else next.reason = reason;
    if (finished) next.endedAt = now.toISOString();
  }
  const ranked = rankTrials(next);
  return {
    sweep: next,
    launch,
    stop,
    stillStopping,
    finished,
    notice: finished && !next.noticeSent,
    best: ranked[0],
    top: ranked.slice(0, 5),
    changed: JSON.stringify(next) !== JSON.stringify(sweep),
  };
}

/** The trial with what its run says now. A run that is gone from the store ends the trial as lost. */
function refreshTrial(trial: SweepTrial, run: TrialRun | undefined): SweepTrial {
  const t: SweepTrial = { ...trial };
  if (!run) {
    if (t.runId && !isEnded(t.state)) {
      t.state = 'lost';
      t.reason = 'its run is no longer in the store';
    }
    return t;
  }
  t.runId = run.id;
  t.runNumber = run.number;
  t.state = run.state;
  if (run.value !== undefined) t.value = run.value;
  if (run.step !== undefined) t.step = run.step;
  if (run.state === 'succeeded') {
    // It finished before a stop took effect: a complete trial after all.
    delete t.stoppedEarly;
    delete t.reason;
  } else if (!t.stopRequested && isEnded(run.state) && run.reason !== undefined) {
    t.reason = run.reason;
  }
  return t;
}

/** A stop of a trial of a sweep a person stopped carries who it was, as a run's stop does. */
function withStopper(stop: TrialStop, sweep: Sweep): TrialStop {
  return sweep.stopRequest ? { ...stop, stoppedBy: sweep.stopRequest.by } : stop;
}

interface Halt {
  state: Extract<SweepState, 'stopped' | 'failed'>;
  /** Plain text; a stopped sweep has none (the views name who stopped it from `stopRequest`). */
  reason?: string;
  trialReason: string;
}

/** Whether the sweep must end early: stopped by a person, or its first trials all failed. */
function haltOf(sweep: Sweep, trials: SweepTrial[]): Halt | undefined {
  if (sweep.stopRequest) return { state: 'stopped', trialReason: `sweep #${sweep.number} was stopped` };
  const first = trials.slice(0, FAILED_START_TRIALS);
  if (
    sweep.definition.trials > FAILED_START_TRIALS &&
    first.length === FAILED_START_TRIALS &&
    first.every((t) => t.state === 'failed')
  ) {
    const why = first[0].reason ? ` (trial 1: ${first[0].reason})` : '';
    return {
      state: 'failed',
      reason: `its first ${FAILED_START_TRIALS} trials failed, so no more were started${why}`,
      trialReason: `sweep #${sweep.number} failed: its first ${FAILED_START_TRIALS} trials failed`,
    };
  }
  return undefined;
}

/** Applies the sweep's early-stopping rule to its running trials (in index order); returns the new stops. */
function earlyStops(sweep: Sweep, trials: SweepTrial[], runs: ReadonlyMap<number, TrialRun>): TrialStop[] {
  const { earlyStop, goal, metric } = sweep.definition;
  if (earlyStop === 'none') return [];
  const seriesOf = (t: SweepTrial): MetricPoint[] => runs.get(t.index)?.series ?? [];
  // A trial at its last step is done but for exiting: stopping it then would only lose its result.
  const atLastStep = (t: SweepTrial) => {
    const run = runs.get(t.index);
    return run?.total !== undefined && run.step !== undefined && run.step >= run.total;
  };
  const judged = (t: SweepTrial) =>
    !!t.runId && !isEnded(t.state) && !t.stopRequested && seriesOf(t).length > 0 && !atLastStep(t);
  const stops: TrialStop[] = [];
  const stopTrial = (t: SweepTrial, reason: string) => {
    t.stopRequested = true;
    t.stoppedEarly = true;
    t.reason = reason;
    stops.push({ index: t.index, runId: t.runId as string, reason });
  };

  if (earlyStop === 'median') {
    // As Optuna's MedianPruner: compared with completed trials only. Running and stopped ones
    // are survivors or losers of earlier comparisons, and counting them skews the median.
    const peers = trials.filter((t) => t.state === 'succeeded');
    for (const t of trials.filter(judged)) {
      const others = peers.filter((p) => p.index !== t.index).map(seriesOf);
      const decision = checkMedianRule(seriesOf(t), others, goal, metric, runs.get(t.index)?.unit);
      if (decision) stopTrial(t, decision.reason);
    }
    return stops;
  }

  // ASHA: finished trials first record every rung they reached, so they count as competitors.
  for (const t of trials) {
    if ((t.state === 'succeeded' || t.state === 'stopped') && runs.has(t.index)) {
      const rungValues = recordAshaRungs(seriesOf(t), t.rungValues ?? []);
      if (rungValues.length > 0) t.rungValues = rungValues;
    }
  }
  for (const t of trials.filter(judged)) {
    const others = trials.filter((o) => o.index !== t.index).map((o) => o.rungValues ?? []);
    const result = checkAshaRule(
      seriesOf(t),
      t.rungValues ?? [],
      others,
      goal,
      metric,
      runs.get(t.index)?.unit,
    );
    if (result.rungValues.length > 0) t.rungValues = result.rungValues;
    if (result.stop) stopTrial(t, result.stop.reason);
  }
  return stops;
}

/**
 * Adds the trials that may start now: up to --parallel trials not yet ended, up to the sweep's
 * budget. Every trial added in one call learns from the same finished trials (TPE); their own
 * random streams keep their suggestions apart.
 */
function addTrials(sweep: Sweep, trials: SweepTrial[]): void {
  const def = sweep.definition;
  const active = trials.filter((t) => !isEnded(t.state)).length;
  const count = Math.min(def.parallel - active, def.trials - trials.length);
  if (count <= 0) return;
  const finished = finishedTrials(trials);
  for (let k = 0; k < count; k++) {
    const index = trials.length + 1;
    trials.push({ index, params: suggestTrialParams(def, index, finished), state: 'queued' });
  }
}

function liveState(trials: SweepTrial[]): SweepState {
  return trials.some((t) => t.runId) ? 'running' : 'queued';
}

function endState(trials: SweepTrial[], halt: Halt | undefined): { state: SweepState; reason?: string } {
  if (halt) return { state: halt.state, reason: halt.reason };
  if (trials.some((t) => t.state === 'succeeded')) return { state: 'succeeded' };
  const failure = trials.find((t) => t.state === 'failed' && t.reason);
  const why = failure ? ` (trial ${failure.index}: ${failure.reason})` : '';
  return { state: 'failed', reason: `no trial succeeded${why}` };
}

import type { Sweep, SweepGoal, SweepTrial } from './sweep.ts';

/** Better first by the goal; equal values in trial order, so rankings never flicker. */
function compare(goal: SweepGoal): (a: SweepTrial, b: SweepTrial) => number {
  const sign = goal === 'min' ? 1 : -1;
  return (a, b) => sign * ((a.value as number) - (b.value as number)) || a.index - b.index;
}

/**
 * The trials that finished with a value, best first. Only succeeded trials rank: a trial
 * stopped early or by hand has a value from before its end (as Optuna's best trial is always a
 * completed one).
 */
export function rankTrials(sweep: Pick<Sweep, 'trials' | 'definition'>): SweepTrial[] {
  return sweep.trials
    .filter((t) => t.state === 'succeeded' && t.value !== undefined)
    .sort(compare(sweep.definition.goal));
}

/** The best succeeded trial so far, if any. */
export function bestTrial(sweep: Pick<Sweep, 'trials' | 'definition'>): SweepTrial | undefined {
  const ranked = rankTrials(sweep);
  return ranked[0];
}

/**
 * Every trial in leaderboard order: those with a value (final or latest) by the goal, then
 * those without one in trial order. What the sweep card's table shows.
 */
export function leaderboard(sweep: Pick<Sweep, 'trials' | 'definition'>): SweepTrial[] {
  const withValue = sweep.trials.filter((t) => t.value !== undefined).sort(compare(sweep.definition.goal));
  const without = sweep.trials.filter((t) => t.value === undefined);
  return [...withValue, ...without];
}

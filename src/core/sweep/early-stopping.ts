import { formatNumber } from '../format-number.ts';
import type { SweepGoal } from './sweep.ts';

/**
 * The early-stopping rules of a sweep, as pure functions of the trials' metric series. A series
 * is what a run's log said, step by step (the step is the progress `current`, e.g. the epoch).
 * Both rules follow Optuna's pruners; where a sweep differs (no worker asks "should I prune?",
 * the controller looks at every trial now and then) the difference is said where it is made.
 */

/** One reading of the sweep's metric: its value when the run was at `step`. */
export interface MetricPoint {
  step: number;
  value: number;
}

/** Why a trial should stop: the sentence for its run's reason, and the numbers behind it. */
export interface StopDecision {
  reason: string;
  value: number;
  step: number;
  threshold: number;
}

/** What the reasons call a step: `epoch` when the run reports epochs, else `step`. */
export type StepUnit = string;

const worse = (goal: SweepGoal): string => (goal === 'max' ? 'below' : 'above');

/** How many other trials must have reached a step before the median rule judges anyone there. */
export const MEDIAN_MIN_TRIALS = 3;

/**
 * The median rule (Optuna's MedianPruner): at its latest step s, a trial whose best value so far
 * is worse than the median of the other trials' values at s stops, once at least three other
 * trials reached s. Optuna compares with completed trials only; a sweep runs a few trials at a
 * time, so running ones that already passed s count too (the caller leaves out failed ones).
 * Another trial's value at s is its last reading at or before s, so a history thinned out for
 * storage, or a log that skipped a step, still counts.
 */
export function checkMedianRule(
  series: readonly MetricPoint[],
  others: readonly (readonly MetricPoint[])[],
  goal: SweepGoal,
  metric: string,
  unit: StepUnit = 'step',
): StopDecision | undefined {
  if (series.length === 0) return undefined;
  const step = lastStep(series);
  let best = series[0].value;
  for (const p of series) best = goal === 'max' ? Math.max(best, p.value) : Math.min(best, p.value);
  const atStep: number[] = [];
  for (const other of others) {
    if (other.length === 0 || lastStep(other) < step) continue;
    const value = valueAtOrBefore(other, step);
    if (value !== undefined) atStep.push(value);
  }
  if (atStep.length < MEDIAN_MIN_TRIALS) return undefined;
  const median = percentile50(atStep);
  const stop = goal === 'max' ? best < median : best > median;
  if (!stop) return undefined;
  return {
    reason: `stopped early: ${metric} ${formatNumber(best)} at ${unit} ${step} is ${worse(goal)} the median ${formatNumber(median)} of ${atStep.length} trials`,
    value: best,
    step,
    threshold: median,
  };
}

/** ASHA's reduction factor: a third of the trials at each rung go on. */
export const ASHA_REDUCTION = 3;

/** The step of rung r: 1, 3, 9, 27 … (min resource 1, reduction factor 3). */
export function ashaRungStep(rung: number): number {
  return ASHA_REDUCTION ** rung;
}

/**
 * ASHA (min resource 1, reduction factor 3). When a trial reaches a rung's step it records its
 * value there; it goes on only if that value is among the top third of the values recorded at
 * that rung so far, its own included, the third rounded up (see `ashaThreshold`). The recorded
 * values are kept on the trials, so a later decision sees exactly what an earlier one saw, also
 * after a restart. A trial's value at a rung is its first reading at or after the rung's step,
 * however late the controller looks.
 */
export function checkAshaRule(
  series: readonly MetricPoint[],
  recorded: readonly number[],
  othersRecorded: readonly (readonly number[])[],
  goal: SweepGoal,
  metric: string,
  unit: StepUnit = 'step',
): { rungValues: number[]; stop?: StopDecision } {
  const rungValues = [...recorded];
  if (series.length === 0) return { rungValues };
  const reached = lastStep(series);
  for (let rung = rungValues.length; ashaRungStep(rung) <= reached; rung++) {
    const point = firstAtOrAfter(series, ashaRungStep(rung));
    if (!point) break;
    rungValues.push(point.value);
    const competing = [point.value];
    for (const other of othersRecorded) if (other.length > rung) competing.push(other[rung]);
    const threshold = ashaThreshold(competing, goal);
    const promoted = goal === 'max' ? point.value >= threshold : point.value <= threshold;
    if (!promoted) {
      const cut =
        competing.length <= ASHA_REDUCTION
          ? `the best ${formatNumber(threshold)}`
          : `${formatNumber(threshold)}, the cut for the top third,`;
      return {
        rungValues,
        stop: {
          reason: `stopped early: ${metric} ${formatNumber(point.value)} at ${unit} ${point.step} is ${worse(goal)} ${cut} of the ${competing.length} trials that reached ${unit} ${ashaRungStep(rung)} (asha)`,
          value: point.value,
          step: point.step,
          threshold,
        },
      };
    }
  }
  return { rungValues };
}

/**
 * The worst value that still goes on: the ⌈n/3⌉-th best of the n values at the rung. Optuna's
 * SuccessiveHalvingPruner rounds down (⌊n/3⌋, so the best alone below six), which suits a
 * study of hundreds of trials; a sweep runs a few dozen, a few at a time, so rungs past the
 * first hold three to five values when a trial reaches them, and rounding down let only the
 * single best of them through: noise between two good trials then decided which one survived,
 * and a best trial still catching up at a rung was stopped (the early-stop bench lost the best
 * in 3 of 20 sets that way). Rounding up keeps two of four or five.
 */
function ashaThreshold(competing: number[], goal: SweepGoal): number {
  const rank = Math.ceil(competing.length / ASHA_REDUCTION) - 1;
  const sorted = [...competing].sort((a, b) => (goal === 'max' ? b - a : a - b));
  return sorted[rank];
}

/** Values of all the rungs a finished trial reached, for the rungs it has no value for yet. */
export function recordAshaRungs(series: readonly MetricPoint[], recorded: readonly number[]): number[] {
  const rungValues = [...recorded];
  if (series.length === 0) return rungValues;
  const reached = lastStep(series);
  for (let rung = rungValues.length; ashaRungStep(rung) <= reached; rung++) {
    const point = firstAtOrAfter(series, ashaRungStep(rung));
    if (!point) break;
    rungValues.push(point.value);
  }
  return rungValues;
}

function lastStep(series: readonly MetricPoint[]): number {
  let step = Number.NEGATIVE_INFINITY;
  for (const p of series) if (p.step > step) step = p.step;
  return step;
}

/** The value of the last reading at or before `step` (the latest one read, when several share a step). */
function valueAtOrBefore(series: readonly MetricPoint[], step: number): number | undefined {
  let found: MetricPoint | undefined;
  for (const p of series) if (p.step <= step && (!found || p.step >= found.step)) found = p;
  return found?.value;
}

/** The first reading at or after `step` (the latest one read at that step). */
function firstAtOrAfter(series: readonly MetricPoint[], step: number): MetricPoint | undefined {
  let found: MetricPoint | undefined;
  for (const p of series) if (p.step >= step && (!found || p.step <= found.step)) found = p;
  return found;
}

/** The median as numpy's nanpercentile(…, 50) computes it: the mean of the middle two for an even count. */
function percentile50(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = (sorted.length - 1) / 2;
  return (sorted[Math.floor(mid)] + sorted[Math.ceil(mid)]) / 2;
}

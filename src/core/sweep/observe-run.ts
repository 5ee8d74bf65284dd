import type { Run, RunState } from '../run/run.ts';
import type { MetricPoint } from './early-stopping.ts';

/** What the sweep controller needs to know about a trial's run (see decideSweep). */
export interface TrialRun {
  id: string;
  number: number;
  state: RunState;
  reason?: string;
  /** Latest value of the sweep's metric, if the run has reported it. */
  value?: number;
  /** The progress step (epoch) the run was at, if it reports progress. */
  step?: number;
  /** The last step it will reach (progress total), if it reports one: no trial is stopped there. */
  total?: number;
  /** The metric step by step, in the order the log gave it. */
  series: MetricPoint[];
  /** What a step is called in reasons: `epoch` or `step`. */
  unit: string;
}

/**
 * A trial's run as the controller sees it: the sweep's metric per step from the run's history
 * (samples without a step, or without the metric, say nothing about a step and are left out).
 */
export function observeRun(run: Run, metric: string): TrialRun {
  const series: MetricPoint[] = [];
  for (const sample of run.history) {
    const value = sample.values[metric];
    if (sample.step !== undefined && Number.isFinite(value)) series.push({ step: sample.step, value });
  }
  const observed: TrialRun = {
    id: run.id,
    number: run.number,
    state: run.state,
    series,
    unit: run.progress?.unit === 'epoch' ? 'epoch' : 'step',
  };
  if (run.reason !== undefined) observed.reason = run.reason;
  const value = run.metrics[metric];
  if (Number.isFinite(value)) observed.value = value;
  const step = series.at(-1)?.step ?? run.progress?.current;
  if (step !== undefined) observed.step = step;
  if (run.progress && run.progress.total > 0) observed.total = run.progress.total;
  return observed;
}

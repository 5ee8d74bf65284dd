import { formatNumber } from '../format-number.ts';
import { plural } from '../plural.ts';
import { type ChartObjective, type ChartSpec, layeredChart } from './chart-spec.ts';
import { bestMarker } from './run-chart.ts';

/** What a sweep chart needs: the sweep, its objective, and each trial's value (if it has one). */
export interface SweepChartInput {
  /** The sweep's number (`sweep #57`). */
  number: number;
  template: string;
  objective: ChartObjective;
  /** Trial index (1, 2, …) and its objective value; a trial that reported none has `value` undefined. */
  trials: readonly { trial: number; value?: number }[];
  /**
   * The trial the sweep ranks best (`bestTrial` in core/sweep/rank-trials.ts: succeeded trials
   * only), so the chart marks the one the sweep's card and notice name; none when undefined.
   */
  best?: number;
}

/**
 * The Vega-Lite spec of a sweep's fan-in chart: the objective metric per trial as one dot per
 * trial number, the sweep's best trial marked with its value. Trials without a value are counted in the
 * subtitle rather than drawn at a made-up height.
 */
export function sweepChartSpec(sweep: SweepChartInput): ChartSpec {
  const { metric, goal } = sweep.objective;
  const rows = sweep.trials
    .filter((t) => Number.isFinite(t.trial) && t.value !== undefined && Number.isFinite(t.value))
    .map((t) => ({ x: t.trial, value: t.value as number }));
  const missing = sweep.trials.length - rows.length;
  const best = sweep.best === undefined ? undefined : rows.find((r) => r.x === sweep.best);

  const subtitle = [`${metric} per trial, ${goal === 'min' ? 'lower' : 'higher'} is better`];
  if (best) subtitle.push(`best: trial ${best.x}, ${formatNumber(best.value)}`);
  if (missing > 0) subtitle.push(`${plural(missing, 'trial')} without a value`);

  const x = {
    field: 'x',
    type: 'quantitative',
    title: 'trial',
    // Trials are whole numbers: ticks only on them, and a little room either side of the dots.
    axis: { tickMinStep: 1, format: 'd' },
    scale: { nice: false, padding: 12 },
  };
  const y = { field: 'value', type: 'quantitative', title: metric, scale: { zero: false } };
  const layers: ChartSpec[] = [
    {
      data: { values: rows },
      mark: { type: 'point', filled: true, size: 45, color: '#4c78a8', opacity: 0.85 },
      encoding: { x, y },
    },
  ];
  if (best) layers.push(...bestMarker(best, rows, x, y));

  // The subtitle always has its first part, so it is always shown.
  return layeredChart(`sweep #${sweep.number} ${sweep.template}`, subtitle, layers);
}

import type { MetricSample } from '../run/run.ts';
import { thinEvenly } from './thin.ts';

/** At most this many points per metric go into a chart; longer series are thinned evenly. */
export const MAX_CHART_POINTS = 500;
/** A run gets a chart once one of its metrics has this many points. */
export const MIN_CHART_POINTS = 3;

export interface SeriesPoint {
  /** The step (e.g. epoch) or, when the history has no usable steps, the sample's position (1, 2, …). */
  x: number;
  value: number;
}

export interface MetricSeries {
  metric: string;
  points: SeriesPoint[];
}

export interface ChartSeries {
  /** What x counts: the progress steps the log reported, or just the order of the samples. */
  x: 'step' | 'sample';
  /** One series per metric, in the order the metrics first appeared in the log. */
  series: MetricSeries[];
}

/**
 * The metric series of a run's history, one per metric, over steps.
 *
 * Steps are used when every sample has one and each metric's steps strictly increase; otherwise
 * (metrics logged before the first progress line, several metric lines per epoch, a retried job
 * counting from 1 again) a line over steps would zigzag back and forth, so x falls back to the
 * sample order for all metrics alike, keeping them comparable on one axis. Values that are not
 * finite numbers cannot be drawn and are left out. Each series is bounded to `maxPoints`, thinned
 * evenly, keeping its first, last, lowest and highest points (the best one is one of the last two,
 * whatever the goal).
 */
export function extractSeries(history: readonly MetricSample[], maxPoints = MAX_CHART_POINTS): ChartSeries {
  if (history.length > 0 && history.every((s) => Number.isFinite(s.step))) {
    const bySteps = collect(history, (s) => s.step as number);
    if (bySteps.every((series) => strictlyIncreasing(series.points))) {
      return { x: 'step', series: bySteps.map((s) => bound(s, maxPoints)) };
    }
  }
  return { x: 'sample', series: collect(history, (_, i) => i + 1).map((s) => bound(s, maxPoints)) };
}

/** True when some metric has enough points to be worth a chart. */
export function hasChartablePoints(chart: ChartSeries): boolean {
  return chart.series.some((s) => s.points.length >= MIN_CHART_POINTS);
}

function collect(
  history: readonly MetricSample[],
  xOf: (s: MetricSample, i: number) => number,
): MetricSeries[] {
  // A Map, not an object: metric names come from logs and may be `__proto__` or `constructor`.
  const byMetric = new Map<string, SeriesPoint[]>();
  history.forEach((sample, i) => {
    const x = xOf(sample, i);
    for (const [metric, value] of Object.entries(sample.values)) {
      if (!Number.isFinite(value)) continue;
      const points = byMetric.get(metric);
      if (points) points.push({ x, value });
      else byMetric.set(metric, [{ x, value }]);
    }
  });
  return [...byMetric].map(([metric, points]) => ({ metric, points }));
}

function strictlyIncreasing(points: readonly SeriesPoint[]): boolean {
  for (let i = 1; i < points.length; i++) if (!(points[i].x > points[i - 1].x)) return false;
  return true;
}

function bound(series: MetricSeries, maxPoints: number): MetricSeries {
  const { points } = series;
  if (points.length <= maxPoints) return series;
  let lo = 0;
  let hi = 0;
  points.forEach((p, i) => {
    if (p.value < points[lo].value) lo = i;
    if (p.value > points[hi].value) hi = i;
  });
  return { metric: series.metric, points: thinEvenly(points, maxPoints, [lo, hi]) };
}

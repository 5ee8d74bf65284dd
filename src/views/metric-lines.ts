import { mainMetric } from '../core/chart/main-metric.ts';
import { runObjective } from '../core/chart/run-objective.ts';
import { extractSeries, hasChartablePoints, type MetricSeries } from '../core/chart/series.ts';
import { sparkline } from '../core/chart/sparkline.ts';
import type { MetricSample, Run } from '../core/run/run.ts';
import { formatNumber } from './format.ts';

/** One metric of a run summed up in a line: its sparkline, first and last values, and how many points. */
export interface MetricLine {
  metric: string;
  spark: string;
  first: number;
  last: number;
  points: number;
}

/** More metrics than this make a notice a wall of lines; the chart shows as many. */
export const MAX_METRIC_LINES = 8;

/**
 * The main metric of a running run (the objective of its template, else the first one its log
 * reported) as a sparkline of `width` characters over its history, with its latest value; undefined
 * before it has two points (one point draws no line).
 */
export function mainMetricLine(run: Pick<Run, 'metrics' | 'history' | 'spec'>, width: number) {
  const metric = mainMetric(run.metrics, runObjective(run)?.metric);
  if (metric === undefined) return undefined;
  const points = metricValues(run.history, metric);
  if (points.length < 2) return undefined;
  return { metric, spark: sparkline(points, width), latest: run.metrics[metric] };
}

/** The values `metric` took over a run's history, in order; empty when it reported none. */
export function metricValues(history: readonly MetricSample[], metric: string): number[] {
  const series = extractSeries(history).series.find((s) => s.metric === metric);
  return series ? values(series) : [];
}

/**
 * A sparkline of each metric of a finished run, objective first, when the run has enough points
 * for a chart (see hasChartablePoints); empty otherwise. Series with a single point are left out.
 */
export function metricLines(
  history: readonly MetricSample[],
  width: number,
  objective?: string,
): MetricLine[] {
  const chart = extractSeries(history);
  if (!hasChartablePoints(chart)) return [];
  const series = [...chart.series].sort(
    (a, b) => Number(b.metric === objective) - Number(a.metric === objective),
  );
  return series
    .filter((s) => s.points.length >= 2)
    .slice(0, MAX_METRIC_LINES)
    .map((s) => ({
      metric: s.metric,
      spark: sparkline(values(s), width),
      first: s.points[0].value,
      last: s.points[s.points.length - 1].value,
      points: s.points.length,
    }));
}

const values = (series: MetricSeries): number[] => series.points.map((p) => p.value);

/**
 * What a run's chart shows, in words, for screen readers (Slack's alt text):
 * `Metrics of run #42 demo over its epochs: loss from 0.6931 to 0.1203 (30 points); …`.
 */
export function chartAltText(run: Pick<Run, 'number' | 'spec' | 'history' | 'progress'>): string {
  const lines = metricLines(run.history, 1, runObjective(run)?.metric);
  const unit = run.progress?.unit ?? 'step';
  const each = lines.map(
    (l) => `${l.metric} from ${formatNumber(l.first)} to ${formatNumber(l.last)} (${l.points} points)`,
  );
  const about = `Metrics of run #${run.number} ${run.spec.template} over its ${unit}s`;
  return (each.length ? `${about}: ${each.join('; ')}.` : `${about}.`).slice(0, 1000);
}

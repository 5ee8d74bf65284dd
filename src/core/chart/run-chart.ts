import { formatNumber } from '../format-number.ts';
import { plural } from '../plural.ts';
import type { MetricSample } from '../run/run.ts';
import { BEST_COLOR, type ChartObjective, type ChartSpec, layeredChart } from './chart-spec.ts';
import { extractSeries, type MetricSeries, type SeriesPoint } from './series.ts';

/** More lines than this are unreadable in a preview; the rest are named in the subtitle. */
export const MAX_CHART_METRICS = 8;

/** What a run chart needs of a run (a Run fits). */
export interface RunChartInput {
  number: number;
  spec: { template: string };
  history: readonly MetricSample[];
  /** The unit of the run's steps (`epoch`, `step`), for the x axis title. */
  progress?: { unit: string };
}

/**
 * The Vega-Lite spec of a run's chart: one line per metric over steps, titled `#42 resnet`, and,
 * given the objective, a marker and a label on its best value. Axes: the step unit (or "sample"
 * when the log gave no usable steps) and the metric (or "value" for several); a log scale when
 * every value is positive and they span three orders of magnitude, so a falling loss stays
 * readable next to an accuracy.
 */
export function runChartSpec(run: RunChartInput, objective?: ChartObjective): ChartSpec {
  const chart = extractSeries(run.history);
  const ordered = objectiveFirst(chart.series, objective?.metric);
  const shown = ordered.slice(0, MAX_CHART_METRICS);
  const hidden = ordered.length - shown.length;

  const rows = shown.flatMap((s) => s.points.map((p) => ({ metric: s.metric, x: p.x, value: p.value })));
  const xTitle = chart.x === 'step' ? (run.progress?.unit ?? 'step') : 'sample';
  const yTitle = shown.length === 1 ? shown[0].metric : 'value';
  const best =
    objective && bestPoint(shown.find((s) => s.metric === objective.metric)?.points ?? [], objective);

  const subtitle: string[] = [];
  if (objective && best) {
    subtitle.push(
      `best ${objective.metric} ${formatNumber(best.value)} at ${xTitle} ${formatNumber(best.x)}`,
    );
  }
  if (hidden > 0) subtitle.push(`${plural(hidden, 'more metric')} not shown`);
  if (rows.length === 0) subtitle.push('no metrics reported');

  const x = { field: 'x', type: 'quantitative', title: xTitle, axis: { tickMinStep: 1 } };
  const y = {
    field: 'value',
    type: 'quantitative',
    title: yTitle,
    scale: { zero: false, ...(wantsLogScale(rows) ? { type: 'log' } : {}) },
  };
  const layers: ChartSpec[] = [
    {
      data: { values: rows },
      // Dots on the line while they can be told apart: a short run's few epochs are worth seeing.
      mark: { type: 'line', strokeWidth: 2, point: shown.every((s) => s.points.length <= 25) },
      encoding: {
        x,
        y,
        color: {
          field: 'metric',
          type: 'nominal',
          title: null,
          // The legend lists metrics in the order the log reported them, objective first.
          sort: shown.map((s) => s.metric),
        },
      },
    },
  ];
  if (best) layers.push(...bestMarker(best, rows, x, y));

  return layeredChart(`#${run.number} ${run.spec.template}`, subtitle, layers);
}

/**
 * A diamond on the best point and its value beside it, as two layers over the same axes. The
 * label sits on the side of the point facing the middle, so it is not cut at the chart's edge.
 */
export function bestMarker(
  best: SeriesPoint,
  rows: readonly { x: number }[],
  x: ChartSpec,
  y: ChartSpec,
): ChartSpec[] {
  const data = { values: [{ x: best.x, value: best.value, label: formatNumber(best.value) }] };
  let lo = best.x;
  let hi = best.x;
  for (const row of rows) {
    lo = Math.min(lo, row.x);
    hi = Math.max(hi, row.x);
  }
  const rightHalf = best.x > (lo + hi) / 2;
  return [
    {
      data,
      mark: { type: 'point', shape: 'diamond', filled: true, size: 110, color: BEST_COLOR, opacity: 1 },
      encoding: { x, y },
    },
    {
      data,
      mark: {
        type: 'text',
        align: rightHalf ? 'right' : 'left',
        dx: rightHalf ? -7 : 7,
        dy: -9,
        fontSize: 11,
        fontWeight: 'bold',
        color: BEST_COLOR,
      },
      encoding: { x, y, text: { field: 'label', type: 'nominal' } },
    },
  ];
}

/** The best point by the goal; the earliest one on a tie (it got there first). */
function bestPoint(points: readonly SeriesPoint[], objective: ChartObjective): SeriesPoint | undefined {
  let best: SeriesPoint | undefined;
  for (const p of points) {
    if (!best || (objective.goal === 'min' ? p.value < best.value : p.value > best.value)) best = p;
  }
  return best;
}

function objectiveFirst(series: MetricSeries[], metric?: string): MetricSeries[] {
  const i = metric === undefined ? -1 : series.findIndex((s) => s.metric === metric);
  return i <= 0 ? series : [series[i], ...series.slice(0, i), ...series.slice(i + 1)];
}

function wantsLogScale(rows: readonly { value: number }[]): boolean {
  if (rows.length === 0) return false;
  let lo = Number.POSITIVE_INFINITY;
  let hi = 0;
  for (const { value } of rows) {
    if (!(value > 0)) return false;
    lo = Math.min(lo, value);
    hi = Math.max(hi, value);
  }
  return hi / lo >= 1000;
}

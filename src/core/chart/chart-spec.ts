/**
 * What the chart builders return: a Vega-Lite 6 spec as plain JSON. Core stays free of the
 * charting library; the renderer adapter compiles and draws it. Every text that came from outside
 * Trainyard (metric names, template names) is only ever a data value or a title string in these
 * specs, never a field name or an expression, so no name can change what the spec means.
 */
export type ChartSpec = { [key: string]: unknown };

/** Which metric a run or sweep is judged by, and which way is better. */
export interface ChartObjective {
  metric: string;
  goal: 'min' | 'max';
}

/** How big a chart is drawn: `width`×`height` layout pixels, `scale` image pixels per layout pixel. */
export interface ChartSize {
  width: number;
  height: number;
  scale: number;
}

/**
 * Slack's image preview in a channel is about 480×240 points; drawn at 2× it is a 960×480 PNG
 * that stays sharp on high-density screens and is shown without being scaled down, so the
 * font sizes below stay readable in the preview itself.
 */
export const CHART_SIZE: ChartSize = { width: 480, height: 240, scale: 2 };

const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Longest title or subtitle kept in a spec; the chart itself cuts them to its width. */
export const MAX_TITLE_CHARS = 160;

/** The best point's marker: near black, a colour no series gets from the tableau10 palette below. */
export const BEST_COLOR = '#111111';

/** Colours, fonts and sizes every Trainyard chart shares. */
function chartConfig(): ChartSpec {
  return {
    font: 'sans-serif',
    // Titles and labels are cut (with an ellipsis) to fit, however long a template or metric name.
    title: {
      fontSize: 14,
      subtitleFontSize: 11,
      subtitleColor: '#555',
      anchor: 'start',
      offset: 6,
      limit: CHART_SIZE.width - 24,
    },
    axis: {
      labelFontSize: 10,
      titleFontSize: 11,
      titleFontWeight: 'normal',
      titleLimit: CHART_SIZE.height - 40,
      gridColor: '#e8e8e8',
    },
    legend: { labelFontSize: 10, titleFontSize: 11, labelLimit: 110, symbolStrokeWidth: 2.5 },
    range: { category: { scheme: 'tableau10' } },
    view: { stroke: null },
  };
}

function cutTitle(text: string): string {
  return text.length <= MAX_TITLE_CHARS ? text : `${text.slice(0, MAX_TITLE_CHARS - 1)}…`;
}

/**
 * A chart of `layers` in Trainyard's size and style, titled `title`, with the `subtitle` parts
 * joined by ` · ` beneath it when there are any. Every chart builder ends here, so all charts
 * share one schema, size and look.
 */
export function layeredChart(title: string, subtitle: readonly string[], layers: ChartSpec[]): ChartSpec {
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: cutTitle(title),
      ...(subtitle.length > 0 ? { subtitle: cutTitle(subtitle.join(' · ')) } : {}),
    },
    width: CHART_SIZE.width,
    height: CHART_SIZE.height,
    autosize: { type: 'fit', contains: 'padding' },
    background: 'white',
    config: chartConfig(),
    layer: layers,
  };
}

import { type RenderedImage, Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { ChartSize, ChartSpec } from '../../core/chart/chart-spec.ts';
import { vegaTextWidth } from './text-width.ts';

// Vega has no canvas here to measure text with; it lays text out with these widths instead.
// (`textMetrics` is exported by Vega at run time but missing from its type declarations.)
(vega as unknown as { textMetrics: { width: typeof vegaTextWidth } }).textMetrics.width = vegaTextWidth;

/**
 * Draws a Vega-Lite spec as a PNG: Vega-Lite compiles it to Vega, Vega lays it out as SVG (no
 * canvas or browser needed), resvg rasterises the SVG with the given font files only. Takes
 * hundreds of milliseconds of CPU, so it runs in the render worker, never on the bot's event loop.
 * Throws when the spec cannot be drawn; the worker turns that into a skipped chart.
 */
export async function drawChart(
  spec: ChartSpec,
  size: ChartSize,
  fontFiles: readonly string[],
): Promise<Buffer> {
  return rasterize(await chartToSvg(spec, size), fontFiles).asPng();
}

/** The chart as SVG, `size.width`×`size.height` laid out, `size.scale` times as many pixels. */
export async function chartToSvg(spec: ChartSpec, size: ChartSize): Promise<string> {
  const sized = {
    ...spec,
    width: size.width,
    height: size.height,
    autosize: { type: 'fit', contains: 'padding' },
  };
  // Vega reports a failure inside its dataflow (e.g. a bad expression) to its logger and draws on
  // without it; such a half-drawn chart is not worth posting.
  const errors: string[] = [];
  const logger = vega.logger(vega.Error);
  logger.error = (...args: readonly unknown[]) => {
    errors.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
    return logger;
  };
  const compiled = vl.compile(sized as vl.TopLevelSpec, { logger }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader: noLoading(errors), logger });
  try {
    const svg = await view.toSVG(size.scale);
    if (errors.length > 0) throw new Error(errors[0]);
    return svg;
  } finally {
    view.finalize();
  }
}

/** The SVG drawn one image pixel per SVG pixel, its text in the given fonts. */
export function rasterize(svg: string, fontFiles: readonly string[]): RenderedImage {
  return new Resvg(svg, {
    // System fonts differ per machine (and a container has none): only the chosen files count.
    font: { loadSystemFonts: false, fontFiles: [...fontFiles] },
    fitTo: { mode: 'original' },
    background: 'white',
    logLevel: 'off',
  }).render();
}

/**
 * Trainyard's specs carry their data inline: a spec that asks for a URL or a file gets nothing,
 * and is not drawn (Vega would only warn and draw an empty chart).
 */
function noLoading(errors: string[]): vega.Loader {
  const refuse = (uri: unknown): Promise<never> => {
    const message = `charts draw inline data only; the spec asked to load ${String(uri).slice(0, 200)}`;
    errors.push(message);
    return Promise.reject(new Error(message));
  };
  return { load: refuse, sanitize: refuse, http: refuse, file: refuse };
}

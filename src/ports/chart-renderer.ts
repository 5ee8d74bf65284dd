import type { ChartSize, ChartSpec } from '../core/chart/chart-spec.ts';

/** A drawn chart, or why there is none: a chart is always optional, so failure is a value, not a throw. */
export type ChartResult = { ok: true; png: Buffer } | { ok: false; reason: string };

/**
 * Draws chart specs (src/core/chart) as PNG images. Implementation: WorkerChartRenderer, which
 * draws off the event loop, one chart at a time.
 *
 * `render` never rejects and never makes anything else wait: a chart that cannot be drawn in
 * time, fails, or finds the queue full resolves `{ ok: false, reason }` (and is logged), so the
 * caller simply posts its notice without a picture.
 */
export interface ChartRenderer {
  /** Draws `spec` at `size` (default CHART_SIZE: 480×240 at 2×, a 960×480 PNG). */
  render(spec: ChartSpec, size?: ChartSize): Promise<ChartResult>;
  /** Stops drawing; charts still waiting resolve as skipped. */
  close(): Promise<void>;
}

import type { ChartSize, ChartSpec } from '../../core/chart/chart-spec.ts';

/** What the renderer sends the render worker when it starts it. */
export interface WorkerSetup {
  fontFiles: string[];
}

/** One chart to draw. */
export interface RenderJob {
  id: number;
  spec: ChartSpec;
  size: ChartSize;
}

/** The worker's answer to a job; the PNG bytes are transferred, not copied. */
export type RenderAnswer =
  | { id: number; ok: true; png: Uint8Array }
  | { id: number; ok: false; reason: string };

/** Sent once by a worker that has loaded and is ready to draw (see WorkerChartRenderer's time limits). */
export interface WorkerReady {
  ready: true;
}

/** Anything a render worker sends. */
export type WorkerMessage = WorkerReady | RenderAnswer;

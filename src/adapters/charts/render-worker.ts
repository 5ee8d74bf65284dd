import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { drawChart } from './draw-chart.ts';
import type { RenderAnswer, RenderJob, WorkerReady, WorkerSetup } from './render-protocol.ts';

/**
 * The render worker: draws one chart per message, in its own thread so the bot's event loop never
 * waits for Vega or resvg. WorkerChartRenderer sends one job at a time and terminates this thread
 * when a job takes too long.
 */
const port = parentPort;
if (!port) throw new Error('render-worker.ts runs as a worker thread (started by WorkerChartRenderer)');
const { fontFiles } = workerData as WorkerSetup;

/**
 * The OS priority of this thread: lower than the bot's (nice 0), so that when CPUs are scarce the
 * event loop that acks Slack gets them first and charts wait. On Linux a nice value belongs to a
 * thread, so this leaves the rest of the process alone; elsewhere it would lower the whole
 * process, so it is left as is.
 */
const WORKER_NICE = 10;
if (process.platform === 'linux') {
  try {
    setPriority(WORKER_NICE);
  } catch {
    // Not allowed here (e.g. a sandbox): charts are drawn at the normal priority.
  }
}

port.on('message', async (job: RenderJob) => {
  let answer: RenderAnswer;
  const transfer: ArrayBuffer[] = [];
  try {
    // A copy in its own ArrayBuffer: the PNG buffer may share memory that must not be transferred.
    const png = new Uint8Array(await drawChart(job.spec, job.size, fontFiles));
    answer = { id: job.id, ok: true, png };
    transfer.push(png.buffer);
  } catch (err) {
    answer = { id: job.id, ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(answer, transfer);
});

// Loaded (Vega, resvg, the fonts' paths): from now on the renderer's time limit is the chart's.
port.postMessage({ ready: true } satisfies WorkerReady);

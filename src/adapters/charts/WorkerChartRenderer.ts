import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CHART_SIZE, type ChartSize, type ChartSpec } from '../../core/chart/chart-spec.ts';
import type { ChartRenderer, ChartResult } from '../../ports/chart-renderer.ts';
import type { Logger } from '../../shared/log.ts';
import type { RenderAnswer, RenderJob, WorkerMessage, WorkerSetup } from './render-protocol.ts';

/** Just what the renderer logs with: a skipped chart is a warning. */
type ChartLog = Pick<Logger, 'warn'>;

export interface WorkerChartRendererOptions {
  /** Font files the charts' text is drawn with (see findChartFonts). */
  fontFiles: readonly string[];
  log: ChartLog;
  /** Longest one chart may take once the worker is ready to draw; then the worker is replaced. Default 10 s. */
  timeoutMs?: number;
  /**
   * Longest a new worker may take to load (Vega, resvg; tsx too when run from the sources) before
   * the chart waiting for it is skipped. Apart from timeoutMs, so that a slow start on a busy
   * machine cannot make every chart time out and every worker start again. Default 60 s.
   */
  startTimeoutMs?: number;
  /** Charts that may wait while one is drawn; a chart asked for beyond that is skipped at once. Default 20. */
  maxQueue?: number;
  /** Heap limit of the worker, so a runaway chart cannot take the bot's memory. Default 512 MB. */
  maxHeapMb?: number;
  /** The worker script. Default: render-worker beside this file; tests swap in one that misbehaves. */
  workerUrl?: URL;
}

interface Waiting {
  id: number;
  spec: ChartSpec;
  size: ChartSize;
  resolve: (result: ChartResult) => void;
}

/** Counters for tests and the bot's metrics. */
export interface ChartRendererStats {
  drawn: number;
  skipped: number;
  timedOut: number;
  workersStarted: number;
  waiting: number;
  busy: boolean;
}

// Compiled to dist/ the worker is render-worker.js beside this file; run from the TypeScript
// sources (tests, `tsx`) it is render-worker.ts and its thread needs tsx too (see loadThroughTsx).
const OWN_EXTENSION = extname(fileURLToPath(import.meta.url));
const DEFAULT_WORKER_URL = new URL(`./render-worker${OWN_EXTENSION}`, import.meta.url);

/**
 * A worker script that registers tsx's loader in its thread, then imports the TypeScript worker.
 * `execArgv: ['--import', 'tsx']` is not enough on Node 20: the worker's own entry file is
 * resolved without the hooks that flag registers, and fails with "Unknown file extension .ts".
 */
function loadThroughTsx(worker: URL): string {
  const api = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return `import(${api}).then((tsx) => { tsx.register(); return import(${JSON.stringify(worker.href)}); });`;
}

/**
 * Draws charts in a worker thread, one at a time, so rendering (hundreds of ms of CPU each) never
 * blocks the bot's event loop: acks, card updates and notices go on while a chart is drawn.
 *
 * Charts wait in a bounded queue; one asked for when the queue is full is skipped at once rather
 * than delaying the ones before it. A chart that takes longer than `timeoutMs` (counted from when
 * the worker is ready to draw; starting has its own limit) is skipped and its worker terminated (a fresh one starts for the next chart), so a pathological chart cannot stall
 * the ones behind it. Every failure resolves `{ ok: false, reason }` with one log line; `render`
 * never rejects. The worker starts on the first chart and is kept for the next ones; it does not
 * keep the process alive while idle.
 */
export class WorkerChartRenderer implements ChartRenderer {
  private readonly fontFiles: string[];
  private readonly log: ChartLog;
  private readonly timeoutMs: number;
  private readonly startTimeoutMs: number;
  private readonly maxQueue: number;
  private readonly maxHeapMb: number;
  private readonly workerUrl: URL;

  private readonly queue: Waiting[] = [];
  private current?: { job: Waiting; timer?: NodeJS.Timeout };
  private worker?: Worker;
  /** The worker has said it is loaded (WorkerReady). */
  private workerReady = false;
  private nextId = 1;
  private closed = false;
  private readonly counts = { drawn: 0, skipped: 0, timedOut: 0, workersStarted: 0 };

  constructor(options: WorkerChartRendererOptions) {
    this.fontFiles = [...options.fontFiles];
    this.log = options.log;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.startTimeoutMs = options.startTimeoutMs ?? 60_000;
    this.maxQueue = options.maxQueue ?? 20;
    this.maxHeapMb = options.maxHeapMb ?? 512;
    this.workerUrl = options.workerUrl ?? DEFAULT_WORKER_URL;
  }

  render(spec: ChartSpec, size: ChartSize = CHART_SIZE): Promise<ChartResult> {
    if (this.closed) return Promise.resolve(this.skip('the chart renderer is closed'));
    if (![size.width, size.height, size.scale].every((n) => Number.isFinite(n) && n > 0)) {
      return Promise.resolve(
        this.skip(`the chart size ${size.width}×${size.height} at ${size.scale}× is not drawable`),
      );
    }
    if (this.queue.length >= this.maxQueue) {
      return Promise.resolve(this.skip(`${this.maxQueue} charts are already waiting to be drawn`));
    }
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, spec, size, resolve });
      this.next();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.resolve(this.skip('the chart renderer is closed'));
    if (this.current) this.finish(this.skip('the chart renderer is closed'));
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  stats(): ChartRendererStats {
    return { ...this.counts, waiting: this.queue.length, busy: this.current !== undefined };
  }

  /** Hands the next waiting chart to the worker, unless one is being drawn. */
  private next(): void {
    if (this.current || this.closed) return;
    const job = this.queue.shift();
    if (!job) {
      this.worker?.unref();
      return;
    }
    const worker = this.ensureWorker();
    // While a chart is being drawn, its answer is worth waiting for: keep the process alive.
    worker.ref();
    this.current = { job };
    this.startClock();
    const message: RenderJob = { id: job.id, spec: job.spec, size: job.size };
    try {
      worker.postMessage(message);
    } catch (err) {
      // A spec holding something that cannot be cloned (a function, a symbol) never reaches the worker.
      this.finish(this.skip(`the chart spec cannot be sent to the render worker: ${(err as Error).message}`));
    }
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const options = {
      workerData: { fontFiles: this.fontFiles } satisfies WorkerSetup,
      resourceLimits: { maxOldGenerationSizeMb: this.maxHeapMb },
      // Not the process's own flags (a worker inherits them by default): some, like
      // `--input-type`, make a worker fail to start, and the worker needs none.
      execArgv: [],
    };
    const worker = this.workerUrl.pathname.endsWith('.ts')
      ? new Worker(loadThroughTsx(this.workerUrl), { ...options, eval: true })
      : new Worker(this.workerUrl, options);
    worker.on('message', (message: WorkerMessage) => {
      if ('ready' in message) this.ready(worker);
      else this.answered(worker, message);
    });
    worker.on('error', (err) => this.lost(worker, `the render worker failed: ${err.message}`));
    worker.on('exit', (code) => this.lost(worker, `the render worker stopped (exit code ${code})`));
    this.worker = worker;
    this.workerReady = false;
    this.counts.workersStarted++;
    return worker;
  }

  /**
   * Times the chart being drawn: while the worker is loading, against startTimeoutMs; once it is
   * ready, against timeoutMs from that moment.
   */
  private startClock(): void {
    const current = this.current;
    if (!current) return;
    clearTimeout(current.timer);
    const [limit, reason] = this.workerReady
      ? [this.timeoutMs, `drawing the chart took longer than ${this.timeoutMs} ms`]
      : [this.startTimeoutMs, `the render worker did not start within ${this.startTimeoutMs} ms`];
    current.timer = setTimeout(() => this.timedOut(current.job, reason), limit);
  }

  private ready(worker: Worker): void {
    if (worker !== this.worker) return;
    this.workerReady = true;
    this.startClock();
  }

  private answered(worker: Worker, answer: RenderAnswer): void {
    // Answers from a worker already replaced, or for a chart already given up on, are stale.
    if (worker !== this.worker || this.current?.job.id !== answer.id) return;
    if (answer.ok) {
      this.counts.drawn++;
      this.finish({
        ok: true,
        png: Buffer.from(answer.png.buffer, answer.png.byteOffset, answer.png.byteLength),
      });
    } else {
      this.finish(this.skip(`the chart could not be drawn: ${answer.reason}`));
    }
  }

  private timedOut(job: Waiting, reason: string): void {
    if (this.current?.job !== job) return;
    this.counts.timedOut++;
    this.replaceWorker();
    this.finish(this.skip(reason));
  }

  /** The worker died (an uncaught error, out of memory): the chart it held is skipped, the next gets a new one. */
  private lost(worker: Worker, reason: string): void {
    if (worker !== this.worker) return;
    this.worker = undefined;
    if (this.current) this.finish(this.skip(reason));
  }

  private replaceWorker(): void {
    const worker = this.worker;
    this.worker = undefined;
    // Not awaited: the next chart starts in a fresh worker while this one is torn down.
    void worker?.terminate();
  }

  /** Settles the chart being drawn and moves on to the next. */
  private finish(result: ChartResult): void {
    const current = this.current;
    if (!current) return;
    clearTimeout(current.timer);
    this.current = undefined;
    current.job.resolve(result);
    this.next();
  }

  private skip(reason: string): ChartResult {
    this.counts.skipped++;
    this.log.warn('chart skipped', { reason });
    return { ok: false, reason };
  }
}

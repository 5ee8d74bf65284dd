import { type BackoffPolicy, backoffDelay, wakeableSleep } from '../../../shared/backoff.ts';
import { createLineSplitter, splitLines } from '../../../shared/line-splitter.ts';
import type { Logger } from '../../../shared/log.ts';
import { type LogPosition, resumeSecond, TimestampedLog } from '../../../shared/log-cursor.ts';
import { waitForLogEnd } from '../../../shared/log-drain.ts';
import type { KubeApiError } from './api-error.ts';
import type { KubeApi } from './kube-api.ts';

export interface LogFollowerOptions {
  api: KubeApi;
  namespace: string;
  pod: string;
  container: string;
  /** New lines, in order, each delivered once, with the position after the last of them. */
  onLines: (lines: string[], position: LogPosition | undefined) => void;
  /** Where an earlier reader (before a restart) stopped: the stream resumes after it. */
  from?: LogPosition;
  log: Logger;
  backoff: BackoffPolicy;
  /** Start only once this settles (the previous attempt's log), so lines stay in order. */
  after?: Promise<void>;
}

/**
 * Follows one container's log. When the stream breaks while the container still runs, it
 * reconnects from the last delivered timestamp and drops the lines it already delivered; after a
 * restart of the bot it starts the same way, from the position the previous process reached.
 */
export class LogFollower {
  /** Resolves once following is over: the log was read to its end, the pod is gone, or stop(). */
  readonly done: Promise<void>;
  private stopped = false;
  private over = false;
  private containerEnded = false;
  /** When the stream last made progress (ms since the epoch). */
  private lastProgress: number | undefined;
  /** Lines delivered so far: a stream that broke after bringing new ones was making progress. */
  private delivered = 0;
  private readonly log: TimestampedLog;
  private abortCurrent: (() => void) | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly opts: LogFollowerOptions) {
    this.log = new TimestampedLog(opts.from);
    this.done = this.run().finally(() => {
      this.over = true;
    });
  }

  /**
   * When the stream last made progress: it was opened (the server answers), or a whole line came
   * off it, new or not (a resumed stream first sends the lines of the second it resumes in again,
   * and a slow server may take its time over them).
   */
  get progressAt(): number | undefined {
    return this.lastProgress;
  }

  /** Still following (or about to resume). */
  get active(): boolean {
    return !this.over;
  }

  /**
   * The container has ended: stop once the log has been read to its end, or once it has made no
   * progress for `drainMs` (never later than the ceiling of log-drain.ts after now).
   */
  finish(drainMs: number): Promise<void> {
    if (this.containerEnded) return this.done;
    this.containerEnded = true;
    this.wake?.();
    void waitForLogEnd(this, Date.now(), drainMs).then(() => this.stop());
    return this.done;
  }

  stop(): void {
    this.stopped = true;
    this.abortCurrent?.();
    this.wake?.();
  }

  private async run(): Promise<void> {
    const { api, namespace, pod, container, log } = this.opts;
    await this.opts.after;
    let attempt = 0;
    let endedCleanly = false;
    while (!this.stopped) {
      try {
        const from = this.log.position;
        const res = await api.followLog(namespace, pod, container, from && resumeSecond(from));
        if (this.stopped) {
          res.destroy();
          break;
        }
        this.abortCurrent = () => res.destroy();
        this.lastProgress = Date.now();
        this.log.reopen();
        const before = this.delivered;
        endedCleanly = await this.consume(res);
        this.abortCurrent = undefined;
        // A clean end means the container exited, or a proxy closed a long stream: only the first is final.
        if (endedCleanly && this.containerEnded) break;
        // Breaks are counted in a row: one that came after new lines starts the count over.
        attempt = endedCleanly ? 0 : (this.delivered > before ? 0 : attempt) + 1;
      } catch (err) {
        const e = err as KubeApiError;
        if (e.status === 404) break; // the pod is gone; nothing more to read
        // 400 is "container is waiting to start": come back when it may have.
        if (e.status !== 400) log.debug('pod log stream failed, will resume', { pod, error: e.message });
        endedCleanly = false;
        attempt++;
      }
      // After the end, a stream that keeps breaking without a new line is given up.
      if (this.containerEnded && attempt > 3) break;
      await this.sleep(backoffDelay(attempt, this.opts.backoff));
      // The stream already ended cleanly and we now know the container has ended too: all was read.
      if (endedCleanly && this.containerEnded) break;
    }
  }

  /** Reads the stream to its end; true on a clean end, false when the connection broke. */
  private async consume(res: AsyncIterable<Buffer | string> & { setEncoding(e: BufferEncoding): void }) {
    res.setEncoding('utf8');
    // Only `\n` ends a line here: each starts with its timestamp, and its text may hold `\r`s.
    const splitter = createLineSplitter((lines) => this.deliver(lines), { breakAtCarriageReturn: false });
    try {
      for await (const chunk of res) splitter.push(chunk as string);
      splitter.end();
      return true;
    } catch {
      // The partial line is dropped: the resumed stream sends it again, whole.
      return false;
    }
  }

  private deliver(stamped: string[]): void {
    if (stamped.length) this.lastProgress = Date.now();
    const lines: string[] = [];
    for (const line of stamped) {
      const text = this.log.take(line);
      if (text !== undefined) lines.push(...splitLines(text));
    }
    if (!lines.length || this.stopped) return;
    this.delivered += lines.length;
    this.opts.onLines(lines, this.log.position);
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const sleep = wakeableSleep(ms);
    this.wake = sleep.wake;
    return sleep.done;
  }
}

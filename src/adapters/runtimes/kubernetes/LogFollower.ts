import { type BackoffPolicy, backoffDelay, wakeableSleep } from '../../../shared/backoff.ts';
import type { Logger } from '../../../shared/log.ts';
import type { KubeApiError } from './api-error.ts';
import type { KubeApi } from './kube-api.ts';
import { advance, type LogCursor, resumeSince } from './log-lines.ts';

export interface LogFollowerOptions {
  api: KubeApi;
  namespace: string;
  pod: string;
  container: string;
  /** New lines, in order, each delivered once, with the position after the last of them. */
  onLines: (lines: string[], cursor: LogCursor | undefined) => void;
  /** Where an earlier reader (before a restart) stopped: the stream resumes after it. */
  from?: LogCursor;
  log: Logger;
  backoff: BackoffPolicy;
  /** Start only once this settles (the previous attempt's log), so lines stay in order. */
  after?: Promise<void>;
}

/** A single line longer than this is delivered in pieces rather than buffered without bound. */
const MAX_PENDING_CHARS = 64 * 1024;

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
  private cursor: LogCursor | undefined;
  private abortCurrent: (() => void) | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly opts: LogFollowerOptions) {
    this.cursor = opts.from;
    this.done = this.run().finally(() => {
      this.over = true;
    });
  }

  /** Still following (or about to resume). */
  get active(): boolean {
    return !this.over;
  }

  /** The container has ended: stop once the log has been read to its end, or after `capMs` at most. */
  finish(capMs: number): Promise<void> {
    if (this.containerEnded) return this.done;
    this.containerEnded = true;
    this.wake?.();
    const cap = setTimeout(() => this.stop(), capMs);
    cap.unref();
    return this.done.finally(() => clearTimeout(cap));
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
        const res = await api.followLog(namespace, pod, container, this.cursor && resumeSince(this.cursor));
        if (this.stopped) {
          res.destroy();
          break;
        }
        this.abortCurrent = () => res.destroy();
        endedCleanly = await this.consume(res);
        this.abortCurrent = undefined;
        // A clean end means the container exited, or a proxy closed a long stream: only the first is final.
        if (endedCleanly && this.containerEnded) break;
        attempt = endedCleanly ? 0 : attempt + 1;
      } catch (err) {
        const e = err as KubeApiError;
        if (e.status === 404) break; // the pod is gone; nothing more to read
        // 400 is "container is waiting to start": come back when it may have.
        if (e.status !== 400) log.debug('pod log stream failed, will resume', { pod, error: e.message });
        endedCleanly = false;
        attempt++;
      }
      if (this.containerEnded && attempt > 3) break;
      await this.sleep(backoffDelay(attempt, this.opts.backoff));
      // The stream already ended cleanly and we now know the container has ended too: all was read.
      if (endedCleanly && this.containerEnded) break;
    }
  }

  /** Reads the stream to its end; true on a clean end, false when the connection broke. */
  private async consume(res: AsyncIterable<Buffer | string> & { setEncoding(e: BufferEncoding): void }) {
    res.setEncoding('utf8');
    let pending = '';
    try {
      for await (const chunk of res) {
        pending += chunk as string;
        const cut = pending.lastIndexOf('\n');
        if (cut === -1 && pending.length < MAX_PENDING_CHARS) continue;
        const complete = cut === -1 ? pending : pending.slice(0, cut);
        pending = cut === -1 ? '' : pending.slice(cut + 1);
        this.deliver(complete.split('\n'));
      }
      if (pending) this.deliver([pending]);
      return true;
    } catch {
      // The partial line is dropped: the resumed stream sends it again, whole.
      return false;
    }
  }

  private deliver(lines: string[]): void {
    const { text, cursor } = advance(this.cursor, lines);
    this.cursor = cursor;
    if (text.length && !this.stopped) this.opts.onLines(text, cursor);
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const sleep = wakeableSleep(ms);
    this.wake = sleep.wake;
    return sleep.done;
  }
}

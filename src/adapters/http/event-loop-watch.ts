import type { Logger } from '../../shared/log.ts';

/**
 * Warns when the event loop stalls: while it is blocked, nothing else happens — Slack acks
 * (3 s budget), card updates, watch events and timers all wait. A timer that should fire every
 * `intervalMs` and fires late was held up by at least that lateness. The lag itself is on
 * /metrics (prom-client's `nodejs_eventloop_lag_*`); this puts the bad moments in the log.
 */
export interface StallDetectorOptions {
  /** A stall at least this long is reported (issue 11: 500 ms). */
  thresholdMs: number;
  /** How often the watch timer is meant to fire. */
  intervalMs: number;
  /** At most one warning per this long; stalls in between are counted into the next one. */
  quietMs: number;
  report(stall: Stall): void;
}

export interface Stall {
  /** How long the loop was blocked, at least (the watch timer's lateness). */
  blockedMs: number;
  /** Stalls since the last warning that were not logged on their own (rate limit). */
  notLogged: number;
  /** The longest of those. */
  longestNotLoggedMs: number;
}

/** The decisions, fed with timestamps so they can be tested without waiting. */
export class StallDetector {
  private lastTick?: number;
  private lastReport = Number.NEGATIVE_INFINITY;
  private notLogged = 0;
  private longestNotLoggedMs = 0;

  constructor(private readonly opts: StallDetectorOptions) {}

  /** The watch timer fired at `now` (ms, monotonic). */
  tick(now: number): void {
    const previous = this.lastTick;
    this.lastTick = now;
    if (previous === undefined) return;
    const blockedMs = now - previous - this.opts.intervalMs;
    if (blockedMs < this.opts.thresholdMs) return;
    if (now - this.lastReport < this.opts.quietMs) {
      this.notLogged++;
      this.longestNotLoggedMs = Math.max(this.longestNotLoggedMs, blockedMs);
      return;
    }
    this.opts.report({
      blockedMs: Math.round(blockedMs),
      notLogged: this.notLogged,
      longestNotLoggedMs: Math.round(this.longestNotLoggedMs),
    });
    this.lastReport = now;
    this.notLogged = 0;
    this.longestNotLoggedMs = 0;
  }
}

export interface EventLoopWatchOptions {
  log: Logger;
  thresholdMs?: number;
  intervalMs?: number;
  quietMs?: number;
}

/** Starts the watch (its timer never keeps the process alive); `stop()` ends it. */
export function watchEventLoop(opts: EventLoopWatchOptions): { stop(): void } {
  const { thresholdMs = 500, intervalMs = 100, quietMs = 60_000 } = opts;
  const detector = new StallDetector({
    thresholdMs,
    intervalMs,
    quietMs,
    report: (stall) =>
      opts.log.warn(`the event loop was blocked for ${stall.blockedMs} ms; everything else waited`, {
        ...stall,
        thresholdMs,
      }),
  });
  detector.tick(performance.now());
  const timer = setInterval(() => detector.tick(performance.now()), intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

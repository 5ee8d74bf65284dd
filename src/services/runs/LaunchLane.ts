export interface LaunchLaneOptions {
  /** True while the chat is busy receiving (Slack's 3-second acks); launch work waits meanwhile. */
  busy: () => boolean;
  /** While the chat stays busy, one piece of launch work still starts at least this often. */
  everyMs?: number;
  /** How often a lane held up by a busy chat looks again. */
  pollMs?: number;
}

/**
 * 100 ms rather than 20: in the burst benchmark on a quiet machine the cold ack p99 fell from
 * 146–166 ms to 80–115 ms, with all Jobs created as soon (docs/benchmarks.md, "Launch pace").
 */
const EVERY_MS = 100;
const POLL_MS = 2;

/**
 * Where launch work (creating a run's Job, posting its card) waits its turn behind the chat's own
 * deliveries. One event loop does both: in a burst of slash commands, each ack would otherwise
 * wait for the Job creates and card posts of the commands before it, and Slack wants every ack
 * within 3 s. So launch work starts at once while the chat is not busy; while it is, one piece
 * starts every `everyMs` (the backlog still moves), the rest as soon as the burst is over, one per
 * turn of the event loop so that requests arriving meanwhile are read first. Work is only started
 * here, never awaited: a slow Job create holds up no other launch.
 */
export class LaunchLane {
  private readonly queue: (() => void)[] = [];
  private lastStart = Number.NEGATIVE_INFINITY;
  private scheduled = false;

  constructor(private readonly opts: LaunchLaneOptions) {}

  /** Resolves when it is the caller's turn to start its work: at once when nothing holds it up. */
  turn(): Promise<void> {
    if (this.queue.length === 0 && !this.opts.busy()) {
      this.lastStart = performance.now();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.queue.push(resolve);
      this.schedule(0);
    });
  }

  private schedule(afterMs: number): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const next = () => {
      this.scheduled = false;
      this.pump();
    };
    // setImmediate runs after the loop has polled for I/O: requests that arrived meanwhile come first.
    if (afterMs <= 0) setImmediate(next);
    else setTimeout(next, afterMs);
  }

  private pump(): void {
    const start = this.queue.shift();
    if (!start) return;
    const now = performance.now();
    const every = this.opts.everyMs ?? EVERY_MS;
    const sinceLast = now - this.lastStart;
    if (this.opts.busy() && sinceLast < every) {
      this.queue.unshift(start);
      this.schedule(Math.min(this.opts.pollMs ?? POLL_MS, every - sinceLast));
      return;
    }
    this.lastStart = now;
    start();
    if (this.queue.length) this.schedule(0);
  }
}

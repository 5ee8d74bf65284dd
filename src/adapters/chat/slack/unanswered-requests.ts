import type { Server } from 'node:http';

/** A request this recent means a burst is under way: more are likely on their way. */
const BURST_GAP_MS = 10;

/**
 * Watches the requests a server receives: for Slack over HTTP, the deliveries that want an ack
 * within 3 s. While some are unanswered, or the last one came in moments ago, the bot is busy
 * receiving, and launch work waits (ChatPort.inboundBusy).
 */
export class UnansweredRequests {
  private count = 0;
  private lastArrival = Number.NEGATIVE_INFINITY;

  constructor(private readonly burstGapMs = BURST_GAP_MS) {}

  get busy(): boolean {
    return this.count > 0 || performance.now() - this.lastArrival < this.burstGapMs;
  }

  /** Watches the server's requests from now on. */
  watch(server: Server): void {
    server.on('request', (_req, res) => {
      this.count++;
      this.lastArrival = performance.now();
      let answered = false;
      const done = () => {
        if (answered) return;
        answered = true;
        this.count--;
      };
      // `prefinish`: the whole answer is handed to the socket (the ack is out). `close`: the
      // connection went away first.
      res.once('prefinish', done);
      res.once('close', done);
    });
  }
}

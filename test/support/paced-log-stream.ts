/**
 * A pod log stream of the fake API server that is slower than the container: it sends one line
 * every `lineMs`, as a real server does with a large backlog or under load, so lines printed long
 * before the container ended are still on their way after it has. Once the container has ended
 * and every line is out, it ends (`afterLast: 'end'`), stays open saying nothing (`'hang'`, a server
 * that does not close it), or goes on sending lines of its own forever (`'stream'`).
 */
import type { ServerResponse } from 'node:http';

export interface LogPace {
  /** The pause before each line goes out. */
  lineMs: number;
  /** What the stream does once the container has ended and its last line is out (default `end`). */
  afterLast?: 'end' | 'hang' | 'stream';
}

export class PacedLogStream {
  private readonly queue: string[];
  private ending = false;
  private made = 0;
  private readonly timer: NodeJS.Timeout;

  /** `backlog`: the lines already printed, each `<time> <text>\n`; `stamp` gives the next time. */
  constructor(
    readonly res: ServerResponse,
    private readonly pace: LogPace,
    backlog: string[],
    private readonly stamp: () => string,
  ) {
    this.queue = [...backlog];
    this.timer = setInterval(() => this.next(), pace.lineMs);
    res.on('close', () => clearInterval(this.timer));
  }

  /** A line the container printed just now: it waits behind the others. */
  send(line: string): void {
    if (!this.ending) this.queue.push(line);
  }

  /** The container has ended: no new lines, the stream ends once the queued ones are out. */
  end(): void {
    this.ending = true;
  }

  private next(): void {
    const line = this.queue.shift();
    if (line !== undefined) {
      this.res.write(line);
      return;
    }
    if (!this.ending) return;
    const afterLast = this.pace.afterLast ?? 'end';
    if (afterLast === 'stream') this.res.write(`${this.stamp()} still streaming ${++this.made}\n`);
    if (afterLast !== 'end') return;
    clearInterval(this.timer);
    this.res.end();
  }
}

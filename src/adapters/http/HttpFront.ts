import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerText, type Route } from './health-routes.ts';

/**
 * Slack gives an ack 3 s; a request held longer would be answered after Slack has told the user
 * it failed, and then launch anyway. So a held request gets a retryable 503 before that.
 */
const HOLD_MS = 2_500;

export interface HttpFrontOptions {
  port: number;
  host: string;
  /** Served from the moment the port listens (/healthz, /readyz, /metrics). */
  routes: Route[];
  /**
   * A handler for every other path will be mounted later (Slack's receiver in HTTP mode): until
   * then such requests are held. Without it they are answered 404 at once.
   */
  awaitHandler: boolean;
  /** How long a request waits for the handler before it gets a 503 (default 2.5 s). */
  holdMs?: number;
}

type Fallback =
  | { kind: 'none' }
  | { kind: 'awaited'; held: Set<Held> }
  | { kind: 'mounted'; handler: RequestListener }
  | { kind: 'gone' };

interface Held {
  req: IncomingMessage;
  res: ServerResponse;
  timer: NodeJS.Timeout;
}

/**
 * The bot's one HTTP port. It listens before anything heavy is loaded, so /healthz answers while
 * the runtime and the chat are still starting; Slack's receiver is mounted on it once the chat
 * starts, and a delivery that comes before that waits for it (or gets a 503 Slack retries) rather
 * than a 404, which Slack takes as final.
 */
export class HttpFront {
  private fallback: Fallback;

  private constructor(
    readonly server: Server,
    private readonly opts: HttpFrontOptions,
  ) {
    this.fallback = opts.awaitHandler ? { kind: 'awaited', held: new Set() } : { kind: 'none' };
  }

  /** Resolves once the port listens; rejects with the listen error (EADDRINUSE ...). */
  static listen(opts: HttpFrontOptions): Promise<HttpFront> {
    const server = createServer();
    const front = new HttpFront(server, opts);
    server.on('request', (req, res) => front.serve(req, res));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => {
        server.off('error', reject);
        resolve(front);
      });
    });
  }

  /** The port it listens on (useful with PORT=0). */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** From now on every path off the routes goes to `handler`, the held requests first. */
  mount(handler: RequestListener): void {
    const before = this.fallback;
    this.fallback = { kind: 'mounted', handler };
    if (before.kind !== 'awaited') return;
    for (const held of before.held) {
      clearTimeout(held.timer);
      this.dispatch(handler, held.req, held.res);
    }
  }

  /** The handler is gone (shutting down): later requests off the routes get a 503. */
  unmount(): void {
    const before = this.fallback;
    this.fallback = { kind: 'gone' };
    if (before.kind === 'awaited') for (const held of before.held) this.release(held);
  }

  /** Stops listening; requests still held are answered 503. */
  close(): Promise<void> {
    this.unmount();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private serve(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const matches = this.opts.routes.filter((r) => r.path === path);
    const route = matches.find(
      (r) => r.method === req.method || (req.method === 'HEAD' && r.method === 'GET'),
    );
    if (route) route.handler(req, res);
    else if (matches.length) answerText(res, 405, `${req.method} is not allowed on ${path}\n`);
    else this.fallBack(req, res, path);
  }

  /** A path off the routes: Slack's receiver once mounted, held until then. */
  private fallBack(req: IncomingMessage, res: ServerResponse, path: string): void {
    const fallback = this.fallback;
    if (fallback.kind === 'mounted') this.dispatch(fallback.handler, req, res);
    else if (fallback.kind === 'awaited') this.hold(fallback.held, req, res);
    else if (fallback.kind === 'gone')
      answerText(res, 503, 'Trainyard is shutting down; try again in a moment.\n', { 'retry-after': '1' });
    else answerText(res, 404, `nothing at ${path}\n`);
  }

  private hold(held: Set<Held>, req: IncomingMessage, res: ServerResponse): void {
    const entry: Held = {
      req,
      res,
      timer: setTimeout(() => {
        held.delete(entry);
        this.release(entry);
      }, this.opts.holdMs ?? HOLD_MS),
    };
    held.add(entry);
    // A client that gave up is not answered later.
    res.once('close', () => {
      clearTimeout(entry.timer);
      held.delete(entry);
    });
  }

  private release(held: Held): void {
    clearTimeout(held.timer);
    answerText(held.res, 503, 'Trainyard is starting; try again in a moment.\n', { 'retry-after': '1' });
  }

  private dispatch(handler: RequestListener, req: IncomingMessage, res: ServerResponse): void {
    try {
      handler(req, res);
    } catch {
      // Bolt's receiver throws for a path it does not serve (its "deferred request" error).
      answerText(res, 404, `nothing at ${new URL(req.url ?? '/', 'http://localhost').pathname}\n`);
    }
  }
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MetricsRegistry } from './metrics.ts';

/** A plain HTTP route; the same shape as Bolt's `customRoutes`, so the Slack receiver can mount them. */
export interface Route {
  path: string;
  method: string;
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface HealthRoutesOptions {
  /** True once the bot can do its work (store loaded, runtime synced). */
  isReady: () => boolean;
  /** Why it is not ready, for people reading /readyz. */
  notReadyReason?: () => string;
  metrics: Pick<MetricsRegistry, 'render' | 'contentType'>;
}

/**
 * A plain-text answer no cache keeps, for the health routes and HttpFront's own answers; `headers`
 * add to (or replace) those. Nothing is sent when an answer has gone already.
 */
export function answerText(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(body);
}

/**
 * `/healthz` (the process answers), `/readyz` (503 with a reason until ready) and `/metrics`
 * (Prometheus text exposition format 0.0.4).
 */
export function healthRoutes(opts: HealthRoutesOptions): Route[] {
  return [
    { path: '/healthz', method: 'GET', handler: (_req, res) => answerText(res, 200, 'ok\n') },
    {
      path: '/readyz',
      method: 'GET',
      handler: (_req, res) => {
        if (opts.isReady()) answerText(res, 200, 'ready\n');
        else
          answerText(
            res,
            503,
            `not ready: ${opts.notReadyReason?.() ?? 'still connecting to the cluster and loading state'}\n`,
          );
      },
    },
    {
      path: '/metrics',
      method: 'GET',
      handler: (_req, res) => {
        opts.metrics.render().then(
          (body) => answerText(res, 200, body, { 'content-type': opts.metrics.contentType }),
          (err: Error) => answerText(res, 500, `the metrics could not be collected: ${err.message}\n`),
        );
      },
    },
  ];
}

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

const text = (res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8') => {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
};

/**
 * `/healthz` (the process answers), `/readyz` (503 with a reason until ready) and `/metrics`
 * (Prometheus text exposition format 0.0.4).
 */
export function healthRoutes(opts: HealthRoutesOptions): Route[] {
  return [
    { path: '/healthz', method: 'GET', handler: (_req, res) => text(res, 200, 'ok\n') },
    {
      path: '/readyz',
      method: 'GET',
      handler: (_req, res) => {
        if (opts.isReady()) text(res, 200, 'ready\n');
        else
          text(
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
          (body) => text(res, 200, body, opts.metrics.contentType),
          (err: Error) => text(res, 500, `the metrics could not be collected: ${err.message}\n`),
        );
      },
    },
  ];
}

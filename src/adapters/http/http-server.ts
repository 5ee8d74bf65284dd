import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Route } from './health-routes.ts';

/**
 * A plain HTTP server for the routes (health and metrics) when no Slack HTTP receiver serves them,
 * i.e. in Socket Mode and console mode. Resolves once it listens; `server.address()` has the port.
 */
export function startHttpServer(port: number, routes: Route[], host = '0.0.0.0'): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const matches = routes.filter((r) => r.path === path);
    const route = matches.find(
      (r) => r.method === req.method || (req.method === 'HEAD' && r.method === 'GET'),
    );
    if (route) {
      route.handler(req, res);
      return;
    }
    res.writeHead(matches.length ? 405 : 404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(matches.length ? `${req.method} is not allowed on ${path}\n` : `nothing at ${path}\n`);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** The port a started server listens on (useful with port 0). */
export const listeningPort = (server: Server): number => (server.address() as AddressInfo).port;

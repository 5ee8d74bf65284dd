import { HttpFront } from '../adapters/http/HttpFront.ts';
import { healthRoutes } from '../adapters/http/health-routes.ts';
import { MetricsRegistry } from '../adapters/http/metrics.ts';
import { type Config, ConfigError } from '../config/env.ts';
import type { Logger } from '../shared/log.ts';

/** What /readyz reports; the app replaces it as start-up goes on. */
export interface Readiness {
  ready(): boolean;
  /** Why not ready yet, for people reading /readyz. */
  reason(): string;
}

/**
 * The bot as a server: the metrics registry and the HTTP port with /healthz, /readyz and
 * /metrics. Opened before the runtime and the chat are loaded (client-node and Bolt take most of
 * a start), so /healthz says "the process is up" at once and /readyz says how far start-up is.
 */
export interface HttpSide {
  metrics: MetricsRegistry;
  /** The listening port; undefined when it could not listen and nothing needed it (the console). */
  front?: HttpFront;
  /** From now on /readyz asks `readiness`. */
  report(readiness: Readiness): void;
  close(): Promise<void>;
}

export interface HttpSideOptions {
  config: Config;
  log: Logger;
  /** Slack over HTTP: /slack/events is mounted later, and a port that cannot listen stops the bot. */
  slackOverHttp: boolean;
  /** How long a Slack delivery waits for the receiver before a 503 (default 2.5 s; tests lengthen it). */
  holdMs?: number;
}

/** HOST, else every interface for Slack (a pod must answer its probes) and this machine only for the console chat. */
export function listenHost(config: Config): string {
  return config.host ?? (config.slack.botToken ? '0.0.0.0' : '127.0.0.1');
}

/** Slack (either mode) is the bot deployed as a server: its health port is not optional. */
const needsPort = (config: Config) => Boolean(config.slack.botToken);

export async function openHttpSide(opts: HttpSideOptions): Promise<HttpSide> {
  const { config, log } = opts;
  // The bot as a server also reports process metrics (CPU, memory, GC, event-loop lag).
  const metrics = new MetricsRegistry({ processMetrics: true });
  let readiness: Readiness = {
    ready: () => false,
    reason: () => 'starting: loading the state, the runtime and the chat',
  };
  const routes = healthRoutes({
    isReady: () => readiness.ready(),
    notReadyReason: () => readiness.reason(),
    metrics,
  });
  const { port } = config;
  const host = listenHost(config);
  const front = await HttpFront.listen({
    port,
    host,
    routes,
    awaitHandler: opts.slackOverHttp,
    holdMs: opts.holdMs,
  }).catch((err: NodeJS.ErrnoException) => {
    if (needsPort(config) || opts.slackOverHttp) {
      throw new ConfigError(
        `Trainyard cannot listen on ${host}:${port} (${err.code ?? err.message}); set PORT (and HOST) to a port that is free on this machine.`,
      );
    }
    log.warn('health and metrics are not served', { port, reason: err.message });
    return undefined;
  });
  // With PORT=0 the system picks the port: say which.
  if (front) log.info('serving health and metrics', { host, port: front.port });
  return {
    metrics,
    front,
    report(next) {
      readiness = next;
    },
    close: async () => {
      await front?.close();
    },
  };
}

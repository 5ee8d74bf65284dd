import type { Server } from 'node:http';
import { join } from 'node:path';
import { ArtifactFolders } from '../adapters/artifacts/ArtifactFolders.ts';
import { createChartRenderer } from '../adapters/charts/create-chart-renderer.ts';
import type { Budget } from '../adapters/chat/slack/budget-window.ts';
import { watchEventLoop } from '../adapters/http/event-loop-watch.ts';
import { healthRoutes, type Route } from '../adapters/http/health-routes.ts';
import { listeningPort, startHttpServer } from '../adapters/http/http-server.ts';
import { MetricsRegistry } from '../adapters/http/metrics.ts';
import { ProcessRuntime } from '../adapters/runtimes/process/ProcessRuntime.ts';
import { FileLogArchive } from '../adapters/store/FileLogArchive.ts';
import { FileStore } from '../adapters/store/FileStore.ts';
import { templateFolderWarning } from '../adapters/templates/template-files.ts';
import { createTemplateSource } from '../adapters/templates/template-source.ts';
import type { Config } from '../config/env.ts';
import { loadPolicyFile } from '../config/policy-file.ts';
import type { ChatPort } from '../ports/chat.ts';
import type { ImageBuilder } from '../ports/image-builder.ts';
import type { Runtime } from '../ports/runtime.ts';
import { Hub } from '../services/Hub.ts';
import type { Logger } from '../shared/log.ts';
import { removeRunFolders } from '../shared/run-folders.ts';

export interface AppOptions {
  config: Config;
  log: Logger;
  env: NodeJS.ProcessEnv;
  /** `slack` builds the Slack chat from the config (SLACK_BOT_TOKEN ...); the console chat comes built by its command. */
  chat: 'slack' | ChatPort;
  /** Serve /healthz, /readyz and /metrics on PORT (`trainyard start`). */
  http: boolean;
  /** Stands in for the Docker image builder (tests give a fake one). */
  builder?: ImageBuilder;
  /** Slack's per-method budgets, for tests that cannot wait a minute for Slack's own. */
  slackBudgets?: Record<string, Budget>;
  /** Least time between two refreshes of one person's Home tab (default 10 s; tests shorten it). */
  homeRefreshMs?: number;
}

export interface App {
  hub: Hub;
  chat: ChatPort;
  runtime: Runtime;
  /** Opens the chat and the health endpoints at once; recovery goes on in the background (see Hub.start). */
  start(): Promise<void>;
  /** Shuts down within a bounded time (see Hub.close). */
  close(): Promise<void>;
}

async function chooseRuntime(opts: AppOptions, metrics: MetricsRegistry): Promise<Runtime> {
  const { config, env, log } = opts;
  let choice = config.runtime;
  // The console chat is for trying Trainyard on this machine: `auto` keeps its jobs local, so a
  // laptop with a Docker engine but no registry access (or a kubeconfig) still runs the demo.
  if (choice === 'auto' && opts.chat !== 'slack') choice = 'process';
  if (choice === 'auto') {
    const { findKubeconfig } = await import('../adapters/runtimes/kubernetes/find-kubeconfig.ts');
    const { dockerAnswers } = await import('../adapters/docker/docker-engine.ts');
    choice = findKubeconfig(env) ? 'kubernetes' : (await dockerAnswers()) ? 'docker' : 'process';
  }
  // Adapters are loaded only when chosen: the console needs neither Kubernetes nor Docker clients.
  switch (choice) {
    case 'kubernetes': {
      const { createKubernetesRuntime } = await import(
        '../adapters/runtimes/kubernetes/create-kubernetes-runtime.ts'
      );
      return createKubernetesRuntime({ config, log, metrics });
    }
    case 'docker': {
      const { createDockerRuntime } = await import('../adapters/runtimes/docker/DockerRuntime.ts');
      return createDockerRuntime({ config, log, network: config.dockerNetwork });
    }
    default:
      return new ProcessRuntime({ log: log.child({ runtime: 'process' }), env, dataDir: config.dataDir });
  }
}

async function chooseBuilder(opts: AppOptions, runtime: Runtime): Promise<ImageBuilder | undefined> {
  // Local processes run the template's command directly; every other runtime needs built images.
  if (runtime.kind === 'process') return undefined;
  if (opts.builder) return opts.builder;
  const { createDockerImageBuilder } = await import('../adapters/images/DockerImageBuilder.ts');
  return createDockerImageBuilder({ config: opts.config, log: opts.log, env: opts.env });
}

/**
 * Slack over HTTP serves the health routes beside /slack/events on its own server; in Socket Mode
 * and on the console a plain server of ours does (Bolt's Socket Mode server ignores the host).
 */
const chatServesRoutes = (opts: AppOptions): boolean => opts.chat === 'slack' && !opts.config.slack.appToken;

/** HOST, else every interface for Slack (a pod must answer its probes) and this machine only for the console chat. */
export function listenHost(config: Config, chat: 'slack' | 'console'): string {
  return config.host ?? (chat === 'slack' ? '0.0.0.0' : '127.0.0.1');
}

async function createChat(opts: AppOptions, metrics: MetricsRegistry, routes: Route[]): Promise<ChatPort> {
  if (opts.chat !== 'slack') return opts.chat;
  // Loaded only when used: the console needs neither Bolt nor the Slack clients.
  const { createSlackChat } = await import('../adapters/chat/slack/create-slack-app.ts');
  return createSlackChat({
    config: opts.config,
    log: opts.log.child({ part: 'slack' }),
    metrics,
    routes: opts.http && chatServesRoutes(opts) ? routes : [],
    host: listenHost(opts.config, 'slack'),
    budgets: opts.slackBudgets,
  });
}

/** The composition root: builds every adapter from the config and hands them to the hub. */
export async function createApp(opts: AppOptions): Promise<App> {
  const { config, log } = opts;
  // The bot as a server also reports process metrics (CPU, memory, GC, event-loop lag).
  const metrics = new MetricsRegistry({ processMetrics: opts.http });
  const policy = await loadPolicyFile(config.configFile);
  const logs = new FileLogArchive(config.dataDir, { log: log.child({ part: 'logs' }) });
  const store = await FileStore.open(config.dataDir, {
    log: log.child({ part: 'store' }),
    // Runs past the retention count take their archived logs and their folders with them.
    onPrune: (ids) =>
      ids.forEach((id) => {
        void logs.remove(id);
        void removeRunFolders(config.dataDir, id).catch(() => {});
      }),
  });
  try {
    const templates = createTemplateSource(config.templatesDir);
    const runtime = await chooseRuntime(opts, metrics);
    const builder = await chooseBuilder(opts, runtime);
    // The chat may serve the health routes (Slack over HTTP) and the hub needs the chat: the
    // routes ask the hub once it exists.
    let isReady = () => false;
    const routes = healthRoutes({
      isReady: () => isReady(),
      notReadyReason: () =>
        runtime.ready()
          ? 'resuming the runs interrupted by the last shutdown'
          : `the ${runtime.kind} runtime is not connected yet`,
      metrics,
    });
    const chat = await createChat(opts, metrics, routes);
    // Both chats show charts (Slack posts the picture, the console saves it); the worker thread
    // that draws them starts with the first chart.
    const charts = createChartRenderer(log.child({ part: 'charts' }), opts.env);
    const hub = new Hub({
      store,
      templates,
      runtime,
      chat,
      policy,
      logs,
      builder,
      // TRAINYARD_DATA/artifacts: where the process and docker runtimes keep them, and where the
      // bot's pod mounts the artifacts claim on Kubernetes when it should list them (deploy/).
      artifacts: new ArtifactFolders(join(config.dataDir, 'artifacts'), runtime.keepsArtifacts),
      log,
      metrics,
      schedules: { timezone: config.timezone, minIntervalSeconds: config.scheduleMinIntervalSeconds },
      charts,
      homeRefreshMs: opts.homeRefreshMs,
    });
    isReady = () => hub.ready();
    let server: Server | undefined;
    // Long event-loop stalls get a warning line (rate-limited); one-shot commands need none.
    const stalls = opts.http ? watchEventLoop({ log: log.child({ part: 'event-loop' }) }) : undefined;
    log.info('trainyard starting', {
      runtime: runtime.kind,
      chat: chat.kind,
      templates: config.templatesDir,
    });

    return {
      hub: hub,
      chat,
      runtime,
      async start() {
        await templateFolderWarning(config.templatesDir).then((warning) => warning && log.warn(warning));
        await templates();
        if (opts.http && !chatServesRoutes(opts)) {
          const host = listenHost(config, chat.kind);
          server = await startHttpServer(config.port, routes, host).catch((err: Error) => {
            log.warn('health and metrics are not served', { host, port: config.port, reason: err.message });
            return undefined;
          });
          // With PORT=0 the system picks the port: say which.
          if (server) log.info('serving health and metrics', { host, port: listeningPort(server) });
        }
        await hub.start();
      },
      async close() {
        stalls?.stop();
        await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
        try {
          await hub.close();
        } finally {
          await charts.close();
          await store.close();
        }
      },
    };
  } catch (err) {
    // The store holds a lock file: give it back when start-up fails half-way.
    await store.close();
    throw err;
  }
}

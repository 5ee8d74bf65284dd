import { ArtifactFolders } from '../adapters/artifacts/ArtifactFolders.ts';
import { createChartRenderer } from '../adapters/charts/create-chart-renderer.ts';
import type { Budget } from '../adapters/chat/slack/budget-window.ts';
import { watchEventLoop } from '../adapters/http/event-loop-watch.ts';
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
import { artifactsRoot, removeRunFolders } from '../shared/run-folders.ts';
import { type HttpSide, openHttpSide } from './http-side.ts';

export interface AppOptions {
  config: Config;
  log: Logger;
  env: NodeJS.ProcessEnv;
  /** `slack` builds the Slack chat from the config (SLACK_BOT_TOKEN ...); the console chat comes built by its command. */
  chat: 'slack' | ChatPort;
  /**
   * Serve /healthz, /readyz and /metrics on PORT (`trainyard start`): true opens the port first
   * thing; `trainyard start` opens it before even loading this module and hands it over (it
   * stays the caller's to close). Slack over HTTP listens on it too.
   */
  http: boolean | HttpSide;
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
  /** The HTTP port (PORT=0 lets the system pick one), listening from before the app was built. */
  port?: number;
  /** Opens the chat at once; recovery goes on in the background (see Hub.start). */
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

async function createChat(opts: AppOptions, metrics: MetricsRegistry, side?: HttpSide): Promise<ChatPort> {
  if (opts.chat !== 'slack') return opts.chat;
  // Loaded only when used: the console needs neither Bolt nor the Slack clients.
  // Over HTTP, Bolt's receiver is mounted on the app's port beside the health routes.
  const { createSlackChat } = await import('../adapters/chat/slack/create-slack-app.ts');
  return createSlackChat({
    config: opts.config,
    log: opts.log.child({ part: 'slack' }),
    metrics,
    mount: side?.front,
    budgets: opts.slackBudgets,
  });
}

/** Slack over HTTP (a bot token and no app token): /slack/events is served on PORT. */
const slackOverHttp = (opts: AppOptions) =>
  opts.chat === 'slack' && Boolean(opts.config.slack.botToken) && !opts.config.slack.appToken;

/** The HTTP side this app serves on: handed over, opened here, or none (one-shot commands). */
async function httpSide(opts: AppOptions): Promise<{ side?: HttpSide; ours: boolean }> {
  if (typeof opts.http === 'object') return { side: opts.http, ours: false };
  if (!opts.http && !slackOverHttp(opts)) return { ours: false };
  const side = await openHttpSide({ config: opts.config, log: opts.log, slackOverHttp: slackOverHttp(opts) });
  return { side, ours: true };
}

/** The composition root: builds every adapter from the config and hands them to the hub. */
export async function createApp(opts: AppOptions): Promise<App> {
  // First, before the heavy parts load: /healthz answers from here on.
  const { side, ours } = await httpSide(opts);
  const closeSide = async () => {
    if (ours) await side?.close();
  };
  const metrics = side?.metrics ?? new MetricsRegistry();
  try {
    return await buildApp(opts, metrics, side, closeSide);
  } catch (err) {
    await closeSide();
    throw err;
  }
}

async function buildApp(
  opts: AppOptions,
  metrics: MetricsRegistry,
  side: HttpSide | undefined,
  closeSide: () => Promise<void>,
): Promise<App> {
  const { config, log } = opts;
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
    const chat = await createChat(opts, metrics, side);
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
      artifacts: new ArtifactFolders(artifactsRoot(config.dataDir), runtime.keepsArtifacts),
      log,
      metrics,
      schedules: { timezone: config.timezone, minIntervalSeconds: config.scheduleMinIntervalSeconds },
      charts,
      homeRefreshMs: opts.homeRefreshMs,
    });
    let chatOpen = false;
    side?.report({
      // Ready once the chat takes commands, the runtime has synced and interrupted runs resumed.
      ready: () => chatOpen && hub.ready(),
      reason: () =>
        !runtime.ready()
          ? `the ${runtime.kind} runtime is not connected yet`
          : !chatOpen
            ? `connecting to ${chat.kind === 'slack' ? 'Slack' : 'the console'}`
            : 'resuming the runs interrupted by the last shutdown',
    });
    // Long event-loop stalls get a warning line (rate-limited); one-shot commands need none.
    const stalls = side ? watchEventLoop({ log: log.child({ part: 'event-loop' }) }) : undefined;
    log.info('trainyard starting', {
      runtime: runtime.kind,
      chat: chat.kind,
      templates: config.templatesDir,
    });

    return {
      hub: hub,
      chat,
      runtime,
      port: side?.front?.port,
      async start() {
        await templateFolderWarning(config.templatesDir).then((warning) => warning && log.warn(warning));
        await templates();
        await hub.start();
        chatOpen = true;
      },
      async close() {
        stalls?.stop();
        try {
          // The chat stops taking deliveries first (Slack's handler is unmounted); the port
          // answers /healthz until the end.
          await hub.close();
        } finally {
          await charts.close();
          await store.close();
          await closeSide();
        }
      },
    };
  } catch (err) {
    // The store holds a lock file: give it back when start-up fails half-way.
    await store.close();
    throw err;
  }
}

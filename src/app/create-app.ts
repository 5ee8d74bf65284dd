import type { Server } from 'node:http';
import { ConsoleChat } from '../adapters/chat/console/ConsoleChat.ts';
import type { LiveScreen } from '../adapters/chat/console/LiveScreen.ts';
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
import type { ChatHandlers, ChatPort } from '../ports/chat.ts';
import type { ImageBuilder } from '../ports/image-builder.ts';
import type { Runtime } from '../ports/runtime.ts';
import { Orchestrator } from '../services/orchestrator/Orchestrator.ts';
import { planLaunch } from '../services/orchestrator/plan-launch.ts';
import { CronScheduler } from '../services/scheduler/CronScheduler.ts';
import type { Logger } from '../shared/log.ts';

export interface AppOptions {
  config: Config;
  log: Logger;
  env: NodeJS.ProcessEnv;
  /** `slack` needs SLACK_BOT_TOKEN; `console` draws on `screen`. */
  chat: 'slack' | 'console';
  screen?: LiveScreen;
  /** Serve /healthz, /readyz and /metrics on PORT (`trainyard start`). */
  http: boolean;
}

export interface App {
  orchestrator: Orchestrator;
  chat: ChatPort;
  runtime: Runtime;
  /** Recovers runs, then starts the scheduler and the chat. */
  start(): Promise<void>;
  close(): Promise<void>;
}

async function chooseRuntime(opts: AppOptions, metrics: MetricsRegistry): Promise<Runtime> {
  const { config, env, log } = opts;
  let choice = config.runtime;
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
      return createDockerRuntime({ config, log });
    }
    default:
      return new ProcessRuntime({ log: log.child({ runtime: 'process' }), env });
  }
}

/** The chat, and how to connect it to the orchestrator once that exists. */
async function createChat(
  opts: AppOptions,
  metrics: MetricsRegistry,
  routes: Route[],
): Promise<{ chat: ChatPort; connect(handlers: ChatHandlers): void }> {
  if (opts.chat === 'slack') {
    // Loaded only when used: the console needs neither Bolt nor the Slack clients.
    // Bolt serves the health routes beside /slack/events (HTTP) or on PORT (Socket Mode).
    const { createSlackChat } = await import('../adapters/chat/slack/create-slack-app.ts');
    const log = opts.log.child({ part: 'slack' });
    const chat = await createSlackChat({
      config: opts.config,
      log,
      metrics,
      routes: opts.http ? routes : [],
    });
    return { chat, connect: (handlers) => chat.setHandlers(handlers) };
  }
  if (!opts.screen) throw new Error('the console chat needs a screen');
  // The console REPL calls the orchestrator itself (it needs each command's outcome).
  return { chat: new ConsoleChat(opts.screen), connect: () => {} };
}

/** The composition root: builds every adapter from the config and wires them to the orchestrator. */
export async function createApp(opts: AppOptions): Promise<App> {
  const { config, log } = opts;
  // The bot as a server also reports process metrics (CPU, memory, GC, event-loop lag).
  const metrics = new MetricsRegistry({ processMetrics: opts.http });
  const policy = await loadPolicyFile(config.configFile);
  const logs = new FileLogArchive(config.dataDir, { log: log.child({ part: 'logs' }) });
  const store = await FileStore.open(config.dataDir, {
    log: log.child({ part: 'store' }),
    // Runs past the retention count take their archived logs with them.
    onPrune: (ids) => ids.forEach((id) => void logs.remove(id)),
  });
  try {
    const templates = createTemplateSource(config.templatesDir);
    const runtime = await chooseRuntime(opts, metrics);
    // Local processes run the template's command directly; every other runtime needs built images.
    const builder: ImageBuilder | undefined =
      runtime.kind === 'process'
        ? undefined
        : (await import('../adapters/images/DockerImageBuilder.ts')).createDockerImageBuilder({
            config,
            log,
            env: opts.env,
          });
    let started = false;
    const routes = healthRoutes({
      isReady: () => started && runtime.ready(),
      notReadyReason: () => (started ? `the ${runtime.kind} runtime is not connected yet` : 'starting up'),
      metrics,
    });
    const { chat, connect } = await createChat(opts, metrics, routes);
    const orchestrator = new Orchestrator({
      store,
      templates,
      runtime,
      chat,
      policy,
      logs,
      builder,
      log,
      metrics,
    });
    connect(orchestrator);
    const scheduler = new CronScheduler({
      store,
      launcher: orchestrator,
      chat,
      policy,
      validate: (template, params, options) => {
        const plan = planLaunch(templates.latest(), template, params, options);
        return plan.ok ? undefined : plan.error;
      },
      log: log.child({ part: 'scheduler' }),
      timezone: config.timezone,
      minIntervalSeconds: config.scheduleMinIntervalSeconds,
    });
    orchestrator.setScheduler(scheduler);
    let server: Server | undefined;
    // Long event-loop stalls get a warning line (rate-limited); one-shot commands need none.
    const stalls = opts.http ? watchEventLoop({ log: log.child({ part: 'event-loop' }) }) : undefined;
    log.info('trainyard starting', {
      runtime: runtime.kind,
      chat: chat.kind,
      templates: config.templatesDir,
    });

    return {
      orchestrator,
      chat,
      runtime,
      async start() {
        await templateFolderWarning(config.templatesDir).then((warning) => warning && log.warn(warning));
        await templates();
        await orchestrator.start();
        await scheduler.start();
        await chat.start();
        if (opts.http && chat.kind === 'console') {
          server = await startHttpServer(config.port, routes, config.host).catch((err: Error) => {
            log.warn('health and metrics are not served', { port: config.port, reason: err.message });
            return undefined;
          });
          // With PORT=0 the system picks the port: say which.
          if (server)
            log.info('serving health and metrics', { host: config.host, port: listeningPort(server) });
        }
        started = true;
      },
      async close() {
        stalls?.stop();
        await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
        await scheduler.close();
        await runtime.close();
        await orchestrator.close();
        await chat.flush();
        await chat.close();
        await store.close();
      },
    };
  } catch (err) {
    // The store holds a lock file: give it back when start-up fails half-way.
    await store.close();
    throw err;
  }
}

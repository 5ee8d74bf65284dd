import { ConsoleChat } from '../chat/console/ConsoleChat.ts';
import type { LiveScreen } from '../chat/console/LiveScreen.ts';
import type { Config } from '../config/env.ts';
import type { Logger } from '../log.ts';
import { Orchestrator } from '../orchestrator/Orchestrator.ts';
import type { ChatPort } from '../ports/chat.ts';
import type { ImageBuilder } from '../ports/image-builder.ts';
import type { Policy } from '../ports/policy.ts';
import type { Runtime } from '../ports/runtime.ts';
import { ProcessRuntime } from '../runtimes/process/ProcessRuntime.ts';
import { MetricsRegistry } from '../server/metrics.ts';
import { FileStore } from '../store/FileStore.ts';
import { LogArchive } from '../store/LogArchive.ts';
import { createTemplateSource } from './template-source.ts';

export interface AppOptions {
  config: Config;
  log: Logger;
  env: NodeJS.ProcessEnv;
  /** `slack` when Slack credentials are configured; otherwise the console on this screen. */
  screen: LiveScreen;
  /** Serve /healthz, /readyz and /metrics on PORT (always on in `trainyard start`). */
  http: boolean;
}

export interface App {
  orchestrator: Orchestrator;
  chat: ChatPort;
  runtime: Runtime;
  /** Resolves once runs are recovered and chat and scheduler are running. */
  start(): Promise<void>;
  close(): Promise<void>;
}

const allowAll: Policy = {
  isAdmin: () => false,
  checkLaunch: () => undefined,
  mayStop: (user, run) => user === run.launchedBy,
};

async function chooseRuntime(config: Config, log: Logger): Promise<Runtime> {
  switch (config.runtime) {
    default:
      return new ProcessRuntime({ log: log.child({ runtime: 'process' }) });
  }
}

/** The composition root: reads the config, builds every adapter and wires them to the orchestrator. */
export async function createApp(opts: AppOptions): Promise<App> {
  const { config, log } = opts;
  const metrics = new MetricsRegistry();
  const store = await FileStore.open(config.dataDir, { log: log.child({ part: 'store' }) });
  const logs = new LogArchive(config.dataDir);
  const runtime = await chooseRuntime(config, log);
  const builder: ImageBuilder | undefined = undefined;
  const chat: ChatPort = new ConsoleChat(opts.screen);
  log.info('trainyard starting', { runtime: runtime.kind, chat: chat.kind, templates: config.templatesDir });

  const orchestrator = new Orchestrator({
    store,
    templates: createTemplateSource(config.templatesDir),
    runtime,
    chat,
    policy: allowAll,
    logs,
    builder,
    log,
    metrics,
  });

  return {
    orchestrator,
    chat,
    runtime,
    async start() {
      await orchestrator.start();
    },
    async close() {
      await chat.flush();
      await runtime.close();
      await orchestrator.close();
      await chat.close();
      await store.close();
    },
  };
}

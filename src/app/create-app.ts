import { createDockerImageBuilder } from '../build/DockerImageBuilder.ts';
import { ConsoleChat } from '../chat/console/ConsoleChat.ts';
import type { LiveScreen } from '../chat/console/LiveScreen.ts';
import { createSlackChat } from '../chat/slack/create-slack-app.ts';
import { SlackChat } from '../chat/slack/SlackChat.ts';
import type { Config } from '../config/env.ts';
import { loadPolicyFile } from '../config/policy-file.ts';
import type { Logger } from '../log.ts';
import { Orchestrator } from '../orchestrator/Orchestrator.ts';
import { planLaunch } from '../orchestrator/plan-launch.ts';
import type { ChatPort } from '../ports/chat.ts';
import type { ImageBuilder } from '../ports/image-builder.ts';
import type { Runtime } from '../ports/runtime.ts';
import { createDockerRuntime, dockerAnswers } from '../runtimes/docker/DockerRuntime.ts';
import { ProcessRuntime } from '../runtimes/process/ProcessRuntime.ts';
import { CronScheduler } from '../scheduler/CronScheduler.ts';
import { MetricsRegistry } from '../server/metrics.ts';
import { FileStore } from '../store/FileStore.ts';
import { LogArchive } from '../store/LogArchive.ts';
import { createTemplateSource } from './template-source.ts';

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

async function chooseRuntime(config: Config, env: NodeJS.ProcessEnv, log: Logger): Promise<Runtime> {
  let choice = config.runtime;
  if (choice === 'auto') choice = (await dockerAnswers()) ? 'docker' : 'process';
  switch (choice) {
    case 'docker':
      return createDockerRuntime({ config, log });
    default:
      return new ProcessRuntime({ log: log.child({ runtime: 'process' }), env });
  }
}

async function createChat(opts: AppOptions, metrics: MetricsRegistry): Promise<ChatPort> {
  if (opts.chat === 'slack') {
    return createSlackChat({ config: opts.config, log: opts.log.child({ part: 'slack' }), metrics });
  }
  if (!opts.screen) throw new Error('the console chat needs a screen');
  return new ConsoleChat(opts.screen);
}

/** The composition root: builds every adapter from the config and wires them to the orchestrator. */
export async function createApp(opts: AppOptions): Promise<App> {
  const { config, log } = opts;
  const metrics = new MetricsRegistry();
  const policy = await loadPolicyFile(config.configFile);
  const store = await FileStore.open(config.dataDir, { log: log.child({ part: 'store' }) });
  const closers: (() => Promise<void>)[] = [() => store.close()];
  try {
    const logs = new LogArchive(config.dataDir);
    const templates = createTemplateSource(config.templatesDir);
    const runtime = await chooseRuntime(config, opts.env, log);
    // Local processes run the template's command directly; every other runtime needs built images.
    const builder: ImageBuilder | undefined =
      runtime.kind === 'process' ? undefined : createDockerImageBuilder({ config, log, env: opts.env });
    const chat = await createChat(opts, metrics);
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
    if (chat instanceof SlackChat) chat.setHandlers(orchestrator);
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
        await templates();
        await orchestrator.start();
        await scheduler.start();
        await chat.start();
      },
      async close() {
        await scheduler.close();
        await runtime.close();
        await orchestrator.close();
        await chat.flush();
        await chat.close();
        for (const close of closers.reverse()) await close();
      },
    };
  } catch (err) {
    for (const close of closers.reverse()) await close();
    throw err;
  }
}

import { createApp } from '../../app/create-app.ts';
import { loadConfig } from '../../config/env.ts';
import { createLogger } from '../../shared/log.ts';
import type { CliIo } from '../io.ts';
import { runConsole } from './console.ts';

/**
 * `trainyard start`: the bot. Slack when SLACK_BOT_TOKEN is set, the console chat otherwise.
 * Runs until SIGTERM or SIGINT, then shuts down cleanly (runs on a cluster keep going).
 */
export async function run(args: string[], io: CliIo): Promise<number> {
  if (args.length) {
    io.stderr('Usage: trainyard start (configure it through the environment; see README.md).\n');
    return 2;
  }
  const config = loadConfig(io.env, io.cwd);
  if (!config.slack.botToken) return runConsole([], io, 'start');
  const log = createLogger(config.logLevel);
  const app = await createApp({ config, log, env: io.env, chat: 'slack', http: true });
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  try {
    await app.start();
    log.info('trainyard is running', { runtime: app.runtime.kind, chat: 'slack' });
    await stopped;
    log.info('shutting down');
    return 0;
  } finally {
    await app.close();
  }
}

import { type HttpSide, openHttpSide } from '../../app/http-side.ts';
import { type Config, loadConfig } from '../../config/env.ts';
import { createLogger, type Logger } from '../../shared/log.ts';
import type { CliIo } from '../io.ts';

/**
 * Shutdown delivers final states within 10 s (Hub.close); this is the hard stop behind it, inside
 * the 30 s a Kubernetes pod gets between SIGTERM and SIGKILL.
 */
const HARD_STOP_MS = 25_000;

/**
 * `trainyard start`: the bot. Slack when SLACK_BOT_TOKEN is set, the console chat otherwise.
 * Runs until SIGTERM or SIGINT — heard from the very start, also while Slack cannot be reached —
 * then shuts down within a bounded time (runs on a cluster keep going).
 *
 * The HTTP port opens first, before the app (and with it the runtime's and Slack's clients) is
 * even loaded: /healthz answers while the rest starts, /readyz says when it is done.
 */
export async function run(args: string[], io: CliIo): Promise<number> {
  if (args.length) {
    io.stderr('Usage: trainyard start (configure it through the environment; see README.md).\n');
    return 2;
  }
  const config = loadConfig(io.env, io.cwd);
  return config.slack.botToken ? runSlack(config, io) : runConsoleServer(io);
}

/**
 * The console chat on this terminal, with the health port beside it. Its app opens the port
 * itself, with the console's log (the terminal belongs to the chat; warnings show as one line),
 * and nothing heavy loads before it in this mode.
 */
async function runConsoleServer(io: CliIo): Promise<number> {
  const { runConsole } = await import('./console.ts');
  return runConsole([], io, 'start');
}

async function runSlack(config: Config, io: CliIo): Promise<number> {
  const log = createLogger(config.logLevel);
  const stop = stopSignal();
  try {
    const http = await openHttpSide({ config, log, slackOverHttp: !config.slack.appToken });
    try {
      return await runSlackApp(config, io, log, http, stop);
    } finally {
      await http.close();
    }
  } finally {
    stop.dispose();
  }
}

async function runSlackApp(
  config: Config,
  io: CliIo,
  log: Logger,
  http: HttpSide,
  stop: StopSignal,
): Promise<number> {
  const { createApp } = await import('../../app/create-app.ts');
  const app = await createApp({ config, log, env: io.env, chat: 'slack', http });
  try {
    const started = app.start().then(() => true);
    // In Socket Mode the start waits for Slack; a signal meanwhile must still be heard.
    if (await Promise.race([started, stop.signalled.then(() => false)])) {
      log.info('trainyard is running', { runtime: app.runtime.kind, chat: 'slack' });
    }
    started.catch(() => {}); // a start cut short by shutdown fails quietly
    await stop.signalled;
    log.info('shutting down');
    return 0;
  } finally {
    await closeWithin(app.close(), log);
  }
}

interface StopSignal {
  signalled: Promise<void>;
  dispose(): void;
}

/** Resolves on the first SIGTERM or SIGINT. */
function stopSignal(): StopSignal {
  let onSignal = () => {};
  const signalled = new Promise<void>((resolve) => {
    onSignal = () => resolve();
  });
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return {
    signalled,
    dispose() {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    },
  };
}

/** Waits for the shutdown, but never past the hard stop; a client library still retrying in the background cannot keep the process up. */
async function closeWithin(closing: Promise<void>, log: Logger): Promise<void> {
  const hardStop = setTimeout(() => {
    log.error('shutdown did not finish in time; exiting', { afterMs: HARD_STOP_MS });
    process.exit(1);
  }, HARD_STOP_MS);
  try {
    await closing;
  } finally {
    clearTimeout(hardStop);
  }
  // Slack's Socket Mode client may still be retrying its connection: nothing else is left to do.
  setTimeout(() => process.exit(), 1_000).unref();
}

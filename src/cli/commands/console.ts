import { join } from 'node:path';
import { ConsoleChat } from '../../adapters/chat/console/ConsoleChat.ts';
import { LiveScreen } from '../../adapters/chat/console/LiveScreen.ts';
import { type App, createApp } from '../../app/create-app.ts';
import type { HttpSide } from '../../app/http-side.ts';
import { loadConfig } from '../../config/env.ts';
import { createLogger } from '../../shared/log.ts';
import type { CliIo } from '../io.ts';

const USAGE = 'Usage: trainyard console [-e "<text>"]';

function parseArgs(args: string[]): { text?: string } | { error: string } {
  if (args.length === 0) return {};
  if ((args[0] === '-e' || args[0] === '--eval') && args.length === 2) return { text: args[1] };
  return { error: `${USAGE} — put the whole command in quotes after -e.` };
}

/**
 * `trainyard console [-e text]` and `trainyard start` without Slack: the bot on this terminal.
 * With -e: exit 0 if the runs it started succeeded, 1 if not, 2 on bad input.
 */
export async function runConsole(
  args: string[],
  io: CliIo,
  mode: 'start' | 'console',
  /** `start` opens the health port before loading this module and hands it over. */
  http?: HttpSide,
): Promise<number> {
  // `start` checks its own (empty) arguments before it gets here.
  const parsed = mode === 'console' ? parseArgs(args) : {};
  if ('error' in parsed) {
    io.stderr(parsed.error + '\n');
    return 2;
  }
  const config = loadConfig(io.env, io.cwd);
  // On the terminal the chat is the output; logs only speak up for problems unless asked to.
  const log = createLogger(io.env.LOG_LEVEL ? config.logLevel : 'warn');
  const chat = new ConsoleChat({
    screen: new LiveScreen(process.stdout),
    user: io.env.USER || 'you',
    chartsDir: join(config.dataDir, 'charts'),
    // With -e there is no prompt: the one command goes through the same door by chat.send.
    ...(parsed.text === undefined ? { input: process.stdin, output: process.stdout } : {}),
  });
  const app = await createApp({ config, log, env: io.env, chat, http: http ?? mode === 'start' });
  let stopping: Promise<void> | undefined;
  const shutdown = () => {
    stopping ??= app.close();
    return stopping;
  };
  const onSignal = () => void shutdown().then(() => process.exit(130));
  process.once('SIGTERM', onSignal);
  try {
    await app.start();
    if (parsed.text !== undefined) return await runOnce(app, chat, parsed.text);
    await chat.whenQuit();
    // End of piped input: let what was started finish, as `-e` does.
    if (!process.stdin.isTTY) await app.hub.whenIdle();
    return 0;
  } finally {
    process.off('SIGTERM', onSignal);
    await shutdown();
  }
}

/**
 * `-e`: one command, then its runs (or its sweep or pipeline) to their end; the exit code says how
 * it went. A sweep succeeded when its best trial did.
 */
async function runOnce(app: App, chat: ConsoleChat, text: string): Promise<number> {
  const outcome = await chat.send(text);
  if (outcome.reply?.kind === 'error') return 2;
  const ended = await Promise.all(outcome.started.map((run) => app.hub.runs.whenEnded(run.id)));
  const groups = await Promise.all((outcome.groups ?? []).map((whenDone) => whenDone()));
  // The chart follows the notice: print its path before exiting.
  await app.hub.whenChartsDrawn();
  return ended.every((run) => run.state === 'succeeded') && groups.every(Boolean) ? 0 : 1;
}

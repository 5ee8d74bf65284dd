import { join } from 'node:path';
import { ConsoleChat } from '../../adapters/chat/console/ConsoleChat.ts';
import { LiveScreen } from '../../adapters/chat/console/LiveScreen.ts';
import { type App, createApp } from '../../app/create-app.ts';
import { loadConfig } from '../../config/env.ts';
import { createConsoleLog } from '../console-log.ts';
import type { CliIo } from '../io.ts';

const USAGE = 'Usage: trainyard console [-e "<text>"]';

/** Why the console stops runs it leaves behind, as their cards and notices say. */
const LEFT_BEHIND = 'The console was closed while it ran.';

function parseArgs(args: string[]): { text?: string } | { error: string } {
  if (args.length === 0) return {};
  if ((args[0] === '-e' || args[0] === '--eval') && args.length === 2) return { text: args[1] };
  return { error: `${USAGE} — put the whole command in quotes after -e.` };
}

/**
 * `trainyard console [-e text]` and `trainyard start` without Slack: the bot on this terminal.
 * With -e: exit 0 if the runs it started succeeded, 1 if not, 2 on bad input.
 *
 * Leaving stops the runs still going, on every runtime (a container must not outlive the console
 * that shows it): `exit`, Ctrl-D, the second Ctrl-C, Ctrl-C during `-e`, and the reader of the
 * output going away (`console -e … | head`, a closed terminal). Only the end of piped commands
 * lets their runs finish, as `-e` does.
 */
export async function runConsole(args: string[], io: CliIo, mode: 'start' | 'console'): Promise<number> {
  // `start` checks its own (empty) arguments before it gets here.
  const parsed = mode === 'console' ? parseArgs(args) : {};
  if ('error' in parsed) {
    io.stderr(parsed.error + '\n');
    return 2;
  }
  const config = loadConfig(io.env, io.cwd);
  const screen = new LiveScreen(process.stdout);
  const logFile = createConsoleLog({
    dataDir: config.dataDir,
    level: config.logLevel,
    note: (text) => screen.note(text),
  });
  const user = io.env.USER || 'you';
  const chat = new ConsoleChat({
    screen,
    user,
    chartsDir: join(config.dataDir, 'charts'),
    // With -e there is no prompt: the one command goes through the same door by chat.send.
    ...(parsed.text === undefined ? { input: process.stdin, output: process.stdout } : {}),
  });
  let app: App;
  try {
    app = await createApp({ config, log: logFile.log, env: io.env, chat, http: mode === 'start' });
  } catch (err) {
    logFile.close();
    throw err;
  }
  chat.useRuntime(app.runtime.kind, app.runtime.location);

  let stopping: Promise<void> | undefined;
  const shutdown = () => {
    stopping ??= app.close();
    return stopping;
  };
  const onTerm = () => void shutdown().then(() => process.exit(130));
  // Leaving early: Ctrl-C where readline does not take it (-e, piped input, or while leaving),
  // the reader of the output gone, a hang-up. A second Ctrl-C does not wait for the runs.
  let leaving = false;
  let leave = () => {};
  const left = new Promise<void>((resolve) => {
    leave = resolve;
  });
  screen.onGone(leave);
  const onInterrupt = () => {
    if (leaving) onTerm();
    leaving = true;
    leave();
  };
  const onHangup = () => screen.readerGone();
  process.once('SIGTERM', onTerm);
  process.on('SIGINT', onInterrupt);
  process.on('SIGHUP', onHangup);
  try {
    await app.start();
    if (parsed.text !== undefined) return await runOnce(app, chat, parsed.text, user, left);
    void left.then(() => chat.leave());
    const how = await chat.whenQuit();
    leaving = true;
    if (how === 'exit') await app.hub.stopAll(LEFT_BEHIND, user);
    // End of piped input: let what was started (pipelines' later steps too) finish, as `-e` does.
    else await app.hub.whenIdle();
    return 0;
  } finally {
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInterrupt);
    process.off('SIGHUP', onHangup);
    await shutdown();
    logFile.close();
  }
}

/**
 * `-e`: one command, then its runs (or its sweep or pipeline) to their end; the exit code says how
 * it went. A sweep succeeded when its best trial did.
 */
async function runOnce(
  app: App,
  chat: ConsoleChat,
  text: string,
  user: string,
  left: Promise<void>,
): Promise<number> {
  const outcome = await chat.send(text);
  if (outcome.reply?.kind === 'error') return 2;
  // Left early: the runs (a sweep or pipeline too) are stopped, recorded as such, and waited for
  // like any end.
  void left.then(() => app.hub.stopAll(LEFT_BEHIND, user));
  const ended = await Promise.all(outcome.started.map((run) => app.hub.runs.whenEnded(run.id)));
  const groups = await Promise.all((outcome.groups ?? []).map((whenDone) => whenDone()));
  // The chart follows the notice: print its path before exiting.
  await app.hub.whenChartsDrawn();
  return ended.every((run) => run.state === 'succeeded') && groups.every(Boolean) ? 0 : 1;
}

import { runConsoleRepl } from '../../adapters/chat/console/console-repl.ts';
import { LiveScreen } from '../../adapters/chat/console/LiveScreen.ts';
import { createApp } from '../../app/create-app.ts';
import { loadConfig } from '../../config/env.ts';
import type { Requester } from '../../ports/chat.ts';
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
export async function runConsole(args: string[], io: CliIo, mode: 'start' | 'console'): Promise<number> {
  // `start` checks its own (empty) arguments before it gets here.
  const parsed = mode === 'console' ? parseArgs(args) : {};
  if ('error' in parsed) {
    io.stderr(parsed.error + '\n');
    return 2;
  }
  const config = loadConfig(io.env, io.cwd);
  // On the terminal the chat is the output; logs only speak up for problems unless asked to.
  const log = createLogger(io.env.LOG_LEVEL ? config.logLevel : 'warn');
  const screen = new LiveScreen(process.stdout);
  const app = await createApp({ config, log, env: io.env, chat: 'console', screen, http: mode === 'start' });
  const requester: Requester = { user: io.env.USER || 'you', channel: 'console' };
  let stopping: Promise<void> | undefined;
  const shutdown = () => {
    stopping ??= app.close();
    return stopping;
  };
  const onSignal = () => void shutdown().then(() => process.exit(130));
  process.once('SIGTERM', onSignal);
  try {
    await app.start();
    if (parsed.text !== undefined) {
      const outcome = await app.orchestrator.execute(parsed.text, requester);
      if (outcome.reply) await app.chat.answer(requester, outcome.reply);
      if (outcome.reply?.kind === 'error') return 2;
      if (!outcome.started) return 0;
      const ended = await app.orchestrator.whenEnded(outcome.started.id);
      return ended.state === 'succeeded' ? 0 : 1;
    }
    await runConsoleRepl({
      input: process.stdin,
      output: process.stdout,
      screen,
      requester,
      execute: async (text) => {
        const outcome = await app.orchestrator.execute(text, requester);
        if (outcome.reply) await app.chat.answer(requester, outcome.reply);
      },
      activeRuns: () => app.orchestrator.activeRunCount(),
    });
    // End of piped input: let what was started finish, as `-e` does.
    if (!process.stdin.isTTY) await app.orchestrator.whenIdle();
    return 0;
  } finally {
    process.off('SIGTERM', onSignal);
    await shutdown();
  }
}

import { readFileSync } from 'node:fs';
import { ConfigError, loadConfig } from '../config/env.ts';
import { didYouMean } from '../core/command/suggest.ts';
import { createLogger } from '../shared/log.ts';
import type { CliIo } from './io.ts';

const HELP = `Usage: trainyard <command>

  start                  run the bot (Slack when SLACK_BOT_TOKEN is set, else the console)
  console [-e "<text>"]  console chat; -e runs one command and waits for its run
  render "<text>"        print the Kubernetes manifests a command would create
  templates              list templates and their params
  check                  validate every template and the policy file
  slack-manifest         print the Slack app manifest (--http <url> for HTTP mode)

Configuration is read from the environment; see README.md.`;

type Command = (args: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  start: async () => (await import('./commands/start.ts')).run,
  console: async () => {
    const { runConsole } = await import('./commands/console.ts');
    return (args, io) => runConsole(args, io, 'console');
  },
  render: async () => (await import('./commands/render.ts')).run,
  templates: async () => (await import('./commands/templates.ts')).run,
  check: async () => (await import('./commands/check.ts')).run,
  'slack-manifest': async () => (await import('./commands/slack-manifest.ts')).run,
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Runs one CLI command; resolves with the exit code. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.stdout(HELP + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(version() + '\n');
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    const names = Object.keys(COMMANDS);
    io.stderr(`Unknown command "${name}".${didYouMean(name, names)} The commands are ${names.join(', ')}.\n`);
    return 2;
  }
  try {
    return await (await load())(args, io);
  } catch (err) {
    if (err instanceof ConfigError || (err instanceof Error && err.name === 'StoreError')) {
      io.stderr(`${err.message}\n`);
      return 1;
    }
    // The log line carries the error's stack and causes (secrets masked); the user gets one sentence.
    createLogger('error').error('unexpected failure', { err });
    io.stderr('Trainyard stopped on an unexpected error; details are in the log line above.\n');
    return 1;
  }
}

/**
 * A reader that goes away before the output ends (`trainyard templates | head -1`) ends the output,
 * not the process with an EPIPE stack trace (EIO: a terminal that closed): what is left to print
 * has nobody to read it. The console chat listens for the same on its own (LiveScreen), to stop
 * its runs.
 */
function endQuietlyWhenTheReaderGoes(stream: NodeJS.WriteStream): void {
  if (stream.listeners('error').includes(readerGone)) return;
  stream.on('error', readerGone);
}

function readerGone(err: NodeJS.ErrnoException): void {
  if (err.code !== 'EPIPE' && err.code !== 'EIO' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
}

export function processIo(): CliIo {
  endQuietlyWhenTheReaderGoes(process.stdout);
  endQuietlyWhenTheReaderGoes(process.stderr);
  return {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    env: process.env,
    cwd: process.cwd(),
  };
}

export { loadConfig };

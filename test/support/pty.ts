import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { TerminalScreen } from './terminal-screen.ts';

/**
 * A program on a pseudo-terminal of a fixed size, driven like a person at a keyboard. It runs
 * under util-linux's `script` (Debian's bsdutils, an essential package; .ci/run installs it too),
 * which gives the program a pty and relays keystrokes to it and its output back; what the
 * program writes is applied to a TerminalScreen.
 */
export interface PtySession {
  screen: TerminalScreen;
  /** Everything the program wrote, as written. */
  output(): string;
  /** Types `keys` (`\r` is Enter, `\u0003` Ctrl-C, `\u0004` Ctrl-D). */
  type(keys: string): void;
  /** Resolves with the exit code once the program has ended. */
  exited: Promise<number | null>;
  /** The program's process id (its parent is `script`), once it runs. */
  programPid(): number | undefined;
  /** Closes the terminal, as closing its window does: the program gets a hang-up. */
  kill(): void;
}

const sessions = new Set<{ kill(): void }>();
// A test that fails half-way leaves no terminal behind.
process.on('exit', () => {
  for (const session of sessions) session.kill();
});

/** Why pty tests cannot run here, or undefined when they can. */
export function ptyUnavailable(): string | undefined {
  const found = spawnSync('script', ['--version'], { encoding: 'utf8' });
  if (found.error || found.status !== 0 || !/util-linux/.test(found.stdout)) {
    return "skipped: util-linux's `script` (Debian package bsdutils) is not installed; the pty tests need it";
  }
  return undefined;
}

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

export function spawnInPty(
  command: string[],
  opts: { columns: number; rows: number; cwd: string; env: NodeJS.ProcessEnv },
): PtySession {
  const screen = new TerminalScreen(opts.columns, opts.rows);
  // The size is set inside the pty, before the program starts and asks for it.
  const inner = `stty cols ${opts.columns} rows ${opts.rows} && exec ${command.map(quote).join(' ')}`;
  const child = spawn('script', ['--quiet', '--flush', '--return', '--command', inner, '/dev/null'], {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let raw = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    raw += chunk;
    screen.write(chunk);
  });
  child.stderr.resume();
  const session: PtySession = {
    screen,
    output: () => raw,
    type: (keys) => child.stdin.write(keys),
    exited: new Promise<number | null>((resolve) =>
      child.once('close', (code) => {
        sessions.delete(session);
        resolve(code);
      }),
    ),
    programPid: () => {
      try {
        const children = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim();
        return children ? Number(children.split(' ')[0]) : undefined;
      } catch {
        return undefined;
      }
    },
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
  sessions.add(session);
  return session;
}

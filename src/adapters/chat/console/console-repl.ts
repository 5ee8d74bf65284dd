import { createInterface } from 'node:readline';
import { plural } from '../../../core/plural.ts';
import type { LiveScreen } from './LiveScreen.ts';

/**
 * How the prompt ended: `exit` (typed `exit`/`quit`, Ctrl-D, the second Ctrl-C, or the output went
 * away: stop the runs and quit) or `end-of-input` (piped commands ran out: let their runs finish).
 */
export type QuitReason = 'exit' | 'end-of-input';

export interface ReplOptions {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
  screen: LiveScreen;
  /** Carries out one command (the text after /train). */
  execute: (text: string) => Promise<void>;
  /** How many runs are still going, to warn before quitting. */
  activeRuns: () => number;
  /** The first line printed: what this is, which runtime runs the jobs, how to quit. */
  greeting: string;
}

const PROMPT = 'trainyard> ';

/** The verbs, offered on Tab for the first word. */
const VERBS = [
  'help',
  'templates',
  'list',
  'status',
  'logs',
  'stop',
  'rerun',
  'schedule',
  'schedules',
  'unschedule',
  'pause',
  'resume',
  'sweep',
  'sweeps',
  'lineage',
  'exit',
];

/**
 * readline's output, passed through, with one change: before the line break readline writes when
 * Enter is pressed, a space. A typed line that exactly fills its last row leaves the terminal's
 * cursor either in that row's last column (typed or pasted) or at the start of the next row (after
 * a redraw); the space puts it on the next row in both cases, so the line break always lands on
 * the row after the command's rows and the screen can tell how many rows the command took.
 */
function readlineOutput(output: NodeJS.WritableStream & { columns?: number; rows?: number }) {
  return new Proxy(output, {
    get(target, key, receiver) {
      if (key === 'write') {
        return (text: string, ...rest: unknown[]) => {
          if (text === '\r\n') target.write(' ');
          return (target.write as (...args: unknown[]) => boolean)(text, ...rest);
        };
      }
      const value = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Completes the first word on Tab when only one verb fits. Several are not listed: readline would
 * print the list under the prompt, where the screen does not know about it.
 */
function completeVerb(line: string): [string[], string] {
  const word = line.trimStart();
  const fits = /\s/.test(word) ? [] : VERBS.filter((v) => v.startsWith(word));
  return [fits.length === 1 ? fits : [], word];
}

/** The interactive console: one command per line until exit or end of input. */
export function runConsoleRepl(opts: ReplOptions): { quit: Promise<QuitReason>; exit(): void } {
  const { screen } = opts;
  const interactive = Boolean(opts.input.isTTY) && screen.interactive;
  const rl = createInterface({
    input: opts.input,
    output: interactive ? readlineOutput(opts.output) : opts.output,
    terminal: interactive,
    prompt: PROMPT,
    ...(interactive ? { completer: completeVerb } : {}),
  });
  const prompt = () => {
    if (!interactive || closed) return;
    rl.prompt(true);
    screen.promptShown({ cursorRow: () => rl.getCursorPos().rows, redraw: () => rl.prompt(true) });
  };
  screen.print(opts.greeting);
  let queue = Promise.resolve();
  let warnedAboutQuit = false;
  let closed = false;
  let reason: QuitReason | undefined;
  const quit = (why: QuitReason) => {
    if (reason) return; // closing a hung-up terminal fails and reports it: once is enough
    reason = why;
    rl.close();
  };

  const done = new Promise<QuitReason>((resolve) => {
    rl.on('line', (line) => {
      const text = line.trim();
      if (interactive) screen.commandEntered(line, PROMPT);
      if (text === 'exit' || text === 'quit') {
        quit('exit');
        return;
      }
      // The prompt comes back at once; commands run one after another, in the order typed.
      prompt();
      if (text) queue = queue.then(() => opts.execute(text));
    });
    rl.on('SIGINT', () => {
      const active = opts.activeRuns();
      if (active > 0 && !warnedAboutQuit) {
        warnedAboutQuit = true;
        screen.print(
          `${plural(active, 'run is', 'runs are')} still going; press Ctrl-C again to stop ${active === 1 ? 'it' : 'them'} and quit.`,
        );
        return;
      }
      quit('exit');
    });
    rl.on('close', () => {
      closed = true;
      screen.promptClosed();
      // Ctrl-D on a terminal is the user leaving; the end of piped input is not.
      const why = reason ?? (interactive ? 'exit' : 'end-of-input');
      // Piped input may go on after `exit`: nothing more is read from it.
      if (why === 'exit' && !opts.input.isTTY) (opts.input as NodeJS.ReadStream).destroy?.();
      void queue.then(() => resolve(why));
    });
    // A terminal that hung up answers reads with EIO: the person is gone, as with Ctrl-D.
    rl.on('error', () => quit('exit'));
    // The reader of the output went away: as good as `exit`.
    screen.onGone(() => quit('exit'));
    prompt();
  });
  return { quit: done, exit: () => quit('exit') };
}

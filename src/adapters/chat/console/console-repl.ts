import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { COMMAND_VERBS } from '../../../core/command/parse-command.ts';
import { plural } from '../../../core/plural.ts';
import type { LiveScreen } from './LiveScreen.ts';

/**
 * How the prompt ended: `exit` (typed `exit`/`quit`, Ctrl-D, the second Ctrl-C, or the output went
 * away: stop the runs and quit) or `end-of-input` (piped commands ran out: let their runs finish).
 */
export type QuitReason = 'exit' | 'end-of-input';

export interface ReplOptions {
  input: Input;
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

/** The verbs, offered on Tab for the first word: the command language's, and the console's own `exit`. */
const VERBS = [...COMMAND_VERBS, 'exit'];

type Input = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };

/**
 * A terminal's keystrokes as readline should get them: one character per chunk. Given several at
 * once (a paste), readline writes them straight out and loses track of its cursor's row when they
 * wrap; key by key it redraws the line on every wrap (moving the cursor to the next row when a
 * line exactly fills its last one), so it always knows the cursor's row, and the screen with it.
 */
function keyByKey(input: Input): { keys: Input; detach(): void } {
  const keys = Object.assign(new PassThrough({ encoding: 'utf8' }), {
    isTTY: true,
    setRawMode: (mode: boolean) => input.setRawMode?.(mode),
  });
  const decoder = new StringDecoder('utf8');
  let attached = true;
  const onData = (chunk: Buffer | string) => {
    for (const ch of typeof chunk === 'string' ? chunk : decoder.write(chunk)) keys.write(ch);
  };
  const onEnd = () => keys.end();
  // A terminal that hung up fails reads and mode changes (EIO): readline hears of it while it
  // listens; afterwards there is no one left to tell.
  const onError = (err: Error) => {
    if (attached) keys.emit('error', err);
  };
  keys.on('error', () => {});
  input.on('data', onData);
  input.on('end', onEnd);
  input.on('error', onError);
  return {
    keys,
    detach() {
      attached = false;
      input.off('data', onData);
      input.off('end', onEnd);
      input.pause();
    },
  };
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
  const typed = interactive ? keyByKey(opts.input) : undefined;
  const rl = createInterface({
    input: typed?.keys ?? opts.input,
    output: opts.output,
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
      // Lines that came in the same chunk as `exit` are still handed over: they are not commands.
      if (reason) return;
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
      typed?.detach();
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

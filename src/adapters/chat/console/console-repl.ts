import { createInterface } from 'node:readline';
import type { LiveScreen } from './LiveScreen.ts';

export interface ReplOptions {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
  screen: LiveScreen;
  /** Carries out one command (the text after /train). */
  execute: (text: string) => Promise<void>;
  /** How many runs are still going, to warn before quitting. */
  activeRuns: () => number;
}

const PROMPT = 'trainyard> ';

const GREETING = `Trainyard console. Type /train commands (the "/train" is optional), e.g. "demo epochs=3";
"help" lists them, "exit" or Ctrl-D quits.`;

/** The interactive console: one command per line until exit or end of input. */
export function runConsoleRepl(opts: ReplOptions): Promise<void> {
  const interactive = Boolean(opts.input.isTTY) && opts.screen.interactive;
  const rl = createInterface({
    input: opts.input,
    output: opts.output,
    terminal: interactive,
    prompt: 'trainyard> ',
  });
  const prompt = () => {
    opts.screen.hasPrompt = true;
    rl.prompt(true);
  };
  if (interactive) opts.screen.redrawPrompt = () => rl.prompt(true);
  opts.screen.print(GREETING);
  let queue = Promise.resolve();
  let warnedAboutQuit = false;

  return new Promise((resolve) => {
    rl.on('line', (line) => {
      const text = line.trim();
      if (interactive) opts.screen.commandEntered(line, PROMPT);
      if (text === 'exit' || text === 'quit') {
        rl.close();
        return;
      }
      // Commands run one after another, in the order typed.
      queue = queue.then(async () => {
        if (text) await opts.execute(text);
        if (interactive) prompt();
      });
    });
    rl.on('SIGINT', () => {
      const active = opts.activeRuns();
      if (active > 0 && !warnedAboutQuit) {
        warnedAboutQuit = true;
        opts.screen.print(`${active} run(s) still going; press Ctrl-C again to stop them and quit.`);
        return;
      }
      rl.close();
    });
    rl.on('close', () => {
      opts.screen.hasPrompt = false;
      opts.screen.redrawPrompt = undefined;
      void queue.then(() => resolve());
    });
    if (interactive) prompt();
  });
}

import { clearScreenDown, cursorTo, moveCursor } from 'node:readline';
import { displayWidth, fitWidth, rowsTaken } from './display-width.ts';

export interface ScreenOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
  on?(event: 'error', listener: (err: NodeJS.ErrnoException) => void): unknown;
}

/** The prompt line under the live area, as the REPL's readline draws it. */
export interface PromptLine {
  /** The row of the cursor within the prompt and what is typed (0: the prompt's first row). */
  cursorRow(): number;
  /** Draws the prompt and what is typed again, starting where the cursor is, the cursor where it was. */
  redraw(): void;
}

const DIM = '\u001b[2m';
const NORMAL = '\u001b[22m';

/**
 * A terminal with a live area at the bottom (the cards of running runs) that is redrawn in place,
 * ordinary output scrolling above it, and the prompt below it. Without a TTY the live area is not
 * drawn; ConsoleChat prints changes as plain lines instead.
 *
 * What it counts on: every live line fits one row (they are cut to the width), and the cursor is
 * either in the prompt (at `prompt.cursorRow()`) or, without a prompt, at the start of the row
 * right after the live area. Every redraw moves up that many rows, clears down and draws again.
 */
export class LiveScreen {
  private drawn = 0;
  private live: string[] = [];
  private timer?: NodeJS.Timeout;
  private prompt?: PromptLine;
  private closed = false;
  private goneListeners: (() => void)[] = [];
  /** The reader went away (EPIPE on a pipe, EIO on a closed terminal): nothing is written any more. */
  gone = false;

  constructor(
    private readonly out: ScreenOutput,
    readonly interactive = Boolean(out.isTTY),
    private readonly minRedrawMs = 100,
  ) {
    // Without a listener a closed pipe (`trainyard console -e … | head`) would crash the process
    // before the store is written: the reader going away is news, not a failure.
    out.on?.('error', (err) => {
      if (err.code === 'EPIPE' || err.code === 'EIO' || err.code === 'ERR_STREAM_DESTROYED')
        this.readerGone();
      else throw err;
    });
  }

  /** Calls `listener` once when the reader goes away (at once if it already has). */
  onGone(listener: () => void): void {
    if (this.gone) listener();
    else this.goneListeners.push(listener);
  }

  /** The reader went away (also on a hang-up): stop writing, tell who asked. */
  readerGone(): void {
    if (this.gone) return;
    this.gone = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const listener of this.goneListeners.splice(0)) listener();
  }

  /** Permanent output, above the live area. */
  print(text: string): void {
    const line = text.endsWith('\n') ? text : `${text}\n`;
    if (!this.interactive) {
      this.write(line);
      return;
    }
    this.erase();
    this.write(line);
    this.drawLive();
    this.restorePrompt();
  }

  /** A line that matters less than the chat (a warning from the log): dim on a terminal. */
  note(text: string): void {
    this.print(this.interactive ? `${DIM}${text}${NORMAL}` : text);
  }

  /** Replaces the live area; redraws at most every minRedrawMs. */
  setLive(lines: string[]): void {
    const unchanged = lines.length === this.live.length && lines.every((line, i) => line === this.live[i]);
    this.live = lines;
    if (unchanged) return;
    if (!this.interactive || this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.erase();
      this.drawLive();
      this.restorePrompt();
    }, this.minRedrawMs);
    this.timer.unref();
  }

  /** The REPL drew its prompt under the live area; the cursor is in it now. */
  promptShown(prompt: PromptLine): void {
    this.prompt = prompt;
  }

  /**
   * The user pressed Enter: readline has moved the cursor to the start of the row after what was
   * typed (which may have wrapped over several rows). Keep the command as history above the live area.
   */
  commandEntered(line: string, promptText: string): void {
    this.prompt = undefined;
    if (!this.interactive) return;
    const typed = `${promptText}${line}`;
    this.up(this.drawn + rowsTaken(displayWidth(typed), this.columns()));
    this.write(`${typed}\n`);
    this.drawLive();
  }

  /**
   * The prompt is gone (Ctrl-D, Ctrl-C, exit): what it showed is cleared, and from now on the
   * cursor waits after the live area.
   */
  promptClosed(): void {
    if (!this.interactive || !this.prompt) {
      this.prompt = undefined;
      return;
    }
    this.erase();
    this.prompt = undefined;
    this.drawLive();
  }

  /** Clears the live area (and the prompt) and leaves the cursor where it began. */
  private erase(): void {
    this.up(this.drawn + (this.prompt?.cursorRow() ?? 0));
  }

  /** Moves up `rows` rows to the first column and clears everything below. */
  private up(rows: number): void {
    const out = this.out as NodeJS.WritableStream;
    if (this.gone) return;
    cursorTo(out, 0);
    if (rows) moveCursor(out, 0, -rows);
    clearScreenDown(out);
    this.drawn = 0;
  }

  private drawLive(): void {
    // A line wider than the terminal would wrap and break the count of rows to move up.
    const width = this.columns() - 1;
    const lines = this.live.map((l) => fitWidth(l, width));
    if (lines.length) this.write(lines.join('\n') + '\n');
    this.drawn = lines.length;
  }

  /**
   * Gives the prompt back. readline redraws it by first moving up to where it believes the
   * prompt starts (the cursor's row in it): leave that many rows below the live area.
   */
  private restorePrompt(): void {
    if (!this.prompt) return;
    this.write('\n'.repeat(this.prompt.cursorRow()));
    this.prompt.redraw();
  }

  private columns(): number {
    // A pseudo-terminal whose size was never set (`script -qc` with no terminal around it) says 0:
    // its width is unknown, as readline takes it too, not 0.
    return Math.max(20, this.out.columns || 100);
  }

  private write(text: string): void {
    if (!this.gone) this.out.write(text);
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.interactive) {
      this.erase();
      this.prompt = undefined;
      this.drawLive();
    }
    this.closed = true;
  }
}

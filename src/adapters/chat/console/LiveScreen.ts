import { clearScreenDown, cursorTo, moveCursor } from 'node:readline';

export interface ScreenOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * A terminal with a live area at the bottom (the cards of running runs) that is redrawn in
 * place, and ordinary output scrolling above it. Without a TTY the live area is not drawn;
 * ConsoleChat prints changes as plain lines instead.
 */
export class LiveScreen {
  private drawn = 0;
  private live: string[] = [];
  private timer?: NodeJS.Timeout;
  /** Set by the REPL so the prompt and what the user is typing come back after a redraw. */
  redrawPrompt?: () => void;
  /** True while a prompt line sits below the live area (set by the REPL). */
  hasPrompt = false;

  constructor(
    private readonly out: ScreenOutput,
    readonly interactive = Boolean(out.isTTY),
    private readonly minRedrawMs = 100,
  ) {}

  /** Permanent output, above the live area. */
  print(text: string): void {
    if (!this.interactive) {
      this.out.write(text.endsWith('\n') ? text : text + '\n');
      return;
    }
    this.erase();
    this.out.write(text.endsWith('\n') ? text : text + '\n');
    this.drawLive();
  }

  /** Replaces the live area; redraws at most every minRedrawMs. */
  setLive(lines: string[]): void {
    this.live = lines;
    if (!this.interactive || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.erase();
      this.drawLive();
    }, this.minRedrawMs);
    this.timer.unref();
  }

  /**
   * The user pressed Enter: the terminal now shows the live area, the prompt line with the
   * command, and the cursor on a fresh line. Keep the command as history above the live area.
   */
  commandEntered(line: string, prompt: string): void {
    this.hasPrompt = false;
    if (!this.interactive) return;
    moveCursor(this.out as NodeJS.WritableStream, 0, -(this.drawn + 1));
    clearScreenDown(this.out as NodeJS.WritableStream);
    this.drawn = 0;
    this.out.write(`${prompt}${line}\n`);
    this.drawLive();
  }

  private erase(): void {
    const out = this.out as NodeJS.WritableStream;
    // With a prompt, the cursor sits on the prompt line below the live area.
    if (this.hasPrompt) cursorTo(out, 0);
    if (this.drawn) moveCursor(out, 0, -this.drawn);
    if (this.hasPrompt || this.drawn) clearScreenDown(out);
    this.drawn = 0;
  }

  private drawLive(): void {
    const width = Math.max(20, (this.out.columns ?? 100) - 1);
    // Lines longer than the terminal would wrap and break the count of lines to move up.
    const lines = this.live.map((l) =>
      [...l].length > width ? [...l].slice(0, width - 1).join('') + '…' : l,
    );
    if (lines.length) this.out.write(lines.join('\n') + '\n');
    this.drawn = lines.length;
    if (this.hasPrompt) this.redrawPrompt?.();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.interactive) {
      this.erase();
      this.drawLive();
    }
  }
}

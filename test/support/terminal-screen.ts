import { charWidth } from '../../src/adapters/chat/console/display-width.ts';

/**
 * A tiny terminal: applies what a program writes (text and the VT100/xterm sequences readline and
 * the console use) to a grid of `columns` × `rows` cells, and keeps the rows that scrolled off the
 * top. Tests assert on what a person would see, not on the bytes that drew it.
 *
 * Like xterm it wraps lazily (a character written in the last column leaves the cursor there
 * until the next one), moves wide characters that do not fit to the next row, and scrolls when a
 * line feed leaves the bottom row. A line feed only moves down: a pty turns `\n` into `\r\n` on
 * its own (ONLCR), so output that did not go through one is written with `{ onlcr: true }`.
 */
export class TerminalScreen {
  private grid: string[][];
  /** `continues[y]`: row y went on to the next row by wrapping (not by a line feed). */
  private continues: boolean[];
  private x = 0;
  private y = 0;
  private pendingWrap = false;
  private pending = '';
  /** Rows that scrolled off the top, oldest first, and whether each wrapped onto the next. */
  private readonly scrolledOff: { text: string; continues: boolean }[] = [];

  constructor(
    readonly columns: number,
    readonly rows: number,
    private readonly opts: { onlcr?: boolean } = {},
  ) {
    this.grid = Array.from({ length: rows }, () => this.blankRow());
    this.continues = Array.from({ length: rows }, () => false);
  }

  write(data: string): void {
    let text = this.pending + data;
    this.pending = '';
    while (text.length) {
      const ch = text[0];
      if (ch === '\u001b') {
        const used = this.escape(text);
        if (used === 0) {
          this.pending = text; // an incomplete sequence: wait for the rest
          return;
        }
        text = text.slice(used);
        continue;
      }
      const cp = String.fromCodePoint(text.codePointAt(0) ?? 0);
      text = text.slice(cp.length);
      this.character(cp, String.fromCodePoint(text.codePointAt(0) ?? 0));
    }
  }

  /** The visible rows, trailing spaces removed. */
  visibleRows(): string[] {
    return this.grid.map((row) => rowText(row));
  }

  /** Every row shown so far, scrolled-off ones first; trailing blank rows left out. */
  text(): string {
    const all = [...this.scrolledOff.map((r) => r.text), ...this.visibleRows()];
    while (all.length && all[all.length - 1] === '') all.pop();
    return all.join('\n');
  }

  /** The same as lines, as a person reads them: rows that wrapped joined back into one line. */
  lines(): string[] {
    const rows = [
      ...this.scrolledOff,
      // A row that wrapped keeps its trailing spaces: they are part of the line.
      ...this.grid.map((row, y) => ({
        text: this.continues[y] ? row.join('') : rowText(row),
        continues: this.continues[y],
      })),
    ];
    const lines: string[] = [];
    let joining = false;
    for (const row of rows) {
      if (joining) lines[lines.length - 1] += row.text;
      else lines.push(row.text);
      joining = row.continues;
    }
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    return lines;
  }

  /** Where the cursor is (0-based). */
  cursor(): { x: number; y: number } {
    return { x: this.x, y: this.y };
  }

  private blankRow(): string[] {
    return Array.from({ length: this.columns }, () => ' ');
  }

  private character(ch: string, next: string): void {
    switch (ch) {
      case '\r':
        this.x = 0;
        this.pendingWrap = false;
        return;
      case '\n':
        if (this.opts.onlcr) this.x = 0;
        this.lineFeed();
        return;
      case '\b':
        this.x = Math.max(0, this.x - 1);
        this.pendingWrap = false;
        return;
      case '\t':
        this.x = Math.min(this.columns - 1, (Math.floor(this.x / 8) + 1) * 8);
        return;
    }
    const width = charWidth(ch, next);
    if (width === 0) {
      // Control characters show nothing; combining marks join the character before them.
      if ((ch.codePointAt(0) ?? 0) >= 0x20 && this.x > 0) this.grid[this.y][this.x - 1] += ch;
      return;
    }
    if (this.pendingWrap || (width === 2 && this.x === this.columns - 1)) {
      this.continues[this.y] = true;
      this.x = 0;
      this.lineFeed();
    }
    this.grid[this.y][this.x] = ch;
    if (width === 2) this.grid[this.y][this.x + 1] = '';
    this.x += width;
    if (this.x >= this.columns) {
      this.x = this.columns - 1;
      this.pendingWrap = true;
    }
  }

  private lineFeed(): void {
    this.pendingWrap = false;
    if (this.y < this.rows - 1) {
      this.y++;
      return;
    }
    const row = this.grid.shift() ?? [];
    const continues = this.continues.shift() ?? false;
    this.scrolledOff.push({ text: continues ? row.join('') : rowText(row), continues });
    this.grid.push(this.blankRow());
    this.continues.push(false);
  }

  /** Applies the escape sequence at the start of `text`; returns how many characters it took (0: incomplete). */
  private escape(text: string): number {
    if (text.length < 2) return 0;
    if (text[1] === '[') {
      const match = /^\u001b\[([0-?]*)([ -/]*)([@-~])/.exec(text);
      if (!match) return /^\u001b\[[0-?]*[ -/]*$/.test(text) ? 0 : 2;
      this.csi(match[1], match[3]);
      return match[0].length;
    }
    if (text[1] === ']') {
      const end = text.search(/\u0007|\u001b\\/);
      if (end < 0) return 0;
      return end + (text[end] === '\u0007' ? 1 : 2);
    }
    return 2; // ESC 7, ESC 8, ESC c ...: nothing the console draws with
  }

  private csi(params: string, final: string): void {
    const numbers = params
      .replace(/^\?/, '')
      .split(';')
      .map((p) => (p === '' ? undefined : Number(p)));
    const n = numbers[0] ?? 1;
    const clampX = (x: number) => Math.min(this.columns - 1, Math.max(0, x));
    const clampY = (y: number) => Math.min(this.rows - 1, Math.max(0, y));
    this.pendingWrap = false;
    switch (final) {
      case 'A':
        this.y = clampY(this.y - n);
        break;
      case 'B':
        this.y = clampY(this.y + n);
        break;
      case 'C':
        this.x = clampX(this.x + n);
        break;
      case 'D':
        this.x = clampX(this.x - n);
        break;
      case 'E':
        this.y = clampY(this.y + n);
        this.x = 0;
        break;
      case 'F':
        this.y = clampY(this.y - n);
        this.x = 0;
        break;
      case 'G':
        this.x = clampX(n - 1);
        break;
      case 'H':
      case 'f':
        this.y = clampY((numbers[0] ?? 1) - 1);
        this.x = clampX((numbers[1] ?? 1) - 1);
        break;
      case 'J':
        this.eraseDisplay(numbers[0] ?? 0);
        break;
      case 'K':
        this.eraseLine(numbers[0] ?? 0);
        break;
      default:
        break; // colours (m), modes (h, l) and reports change nothing shown as text
    }
  }

  private eraseLine(mode: number): void {
    const row = this.grid[this.y];
    const [from, to] = mode === 0 ? [this.x, this.columns] : mode === 1 ? [0, this.x + 1] : [0, this.columns];
    for (let i = from; i < to; i++) row[i] = ' ';
    if (to === this.columns) this.continues[this.y] = false;
  }

  private eraseDisplay(mode: number): void {
    if (mode === 0) {
      this.eraseLine(0);
      for (let y = this.y + 1; y < this.rows; y++) {
        this.grid[y] = this.blankRow();
        this.continues[y] = false;
      }
    } else if (mode === 1) {
      this.eraseLine(1);
      for (let y = 0; y < this.y; y++) this.grid[y] = this.blankRow();
    } else {
      this.grid = Array.from({ length: this.rows }, () => this.blankRow());
      this.continues = this.continues.map(() => false);
    }
  }
}

function rowText(row: string[]): string {
  return row.join('').replace(/ +$/, '');
}

/**
 * Turning job output into lines, the same way for every runtime. Carriage returns end a line too
 * (tqdm redraws its bar with `\r`), so progress bars show up as they move. Empty lines are dropped.
 * One cap for every line: a runaway line is cut there, and the rest of it up to its line break is
 * dropped, so one line can never hold more memory than that.
 */

/** The longest line kept, in characters; longer ones end with `…`. */
export const MAX_LINE_CHARS = 8192;

const BREAK_ANY = /\r\n|\n|\r/;

export interface LineSplitter {
  /** More of the stream; complete lines go out at once. */
  push(chunk: string): void;
  /** The stream ended: what is left is a line too. */
  end(): void;
}

export interface LineSplitterOptions {
  /**
   * False: only `\n` ends a line, for streams whose lines each start with a timestamp (Docker and
   * Kubernetes logs); the caller splits each line's text with `splitLines` once the stamp is off.
   */
  breakAtCarriageReturn?: boolean;
  maxChars?: number;
}

/** Cuts a line to the cap. */
export function capLine(line: string, maxChars = MAX_LINE_CHARS): string {
  return line.length > maxChars ? `${line.slice(0, maxChars - 1)}…` : line;
}

/** The non-empty lines of a whole text, split at `\n`, `\r\n` and `\r`, each capped. */
export function splitLines(text: string, maxChars = MAX_LINE_CHARS): string[] {
  const out: string[] = [];
  for (const line of text.split(BREAK_ANY)) if (line.length > 0) out.push(capLine(line, maxChars));
  return out;
}

/** Splits a text stream into lines, handing each batch of complete lines to `onLines`. */
export function createLineSplitter(
  onLines: (lines: string[]) => void,
  opts: LineSplitterOptions = {},
): LineSplitter {
  const maxChars = opts.maxChars ?? MAX_LINE_CHARS;
  const breakAt = opts.breakAtCarriageReturn === false ? /\n/ : BREAK_ANY;
  let rest = '';
  /** The line in progress passed the cap: what comes before its break is dropped. */
  let overflowing = false;
  const keep = (line: string, out: string[]) => {
    if (line.length > 0) out.push(capLine(line, maxChars));
  };
  return {
    push(chunk: string): void {
      const parts = chunk.split(breakAt);
      const last = parts.pop() ?? '';
      const out: string[] = [];
      for (const part of parts) {
        keep(overflowing ? rest : rest + part, out);
        rest = '';
        overflowing = false;
      }
      // A `\r\n` cut between two chunks leaves an empty line behind, which is dropped.
      if (!overflowing) rest += last;
      if (rest.length > maxChars) {
        // Keep one character past the cap, so the line is marked as cut when it ends.
        rest = rest.slice(0, maxChars + 1);
        overflowing = true;
      }
      if (out.length) onLines(out);
    },
    end(): void {
      const out: string[] = [];
      keep(rest, out);
      rest = '';
      overflowing = false;
      if (out.length) onLines(out);
    },
  };
}

/**
 * Splits a byte stream into lines. Carriage returns (tqdm redraws its bar with `\r`) end a
 * line too, so progress bars show up as they move. Very long lines are cut so one runaway
 * line cannot hold memory.
 */
export function createLineSplitter(onLines: (lines: string[]) => void, maxLine = 8192) {
  let rest = '';
  return {
    push(chunk: string): void {
      const parts = (rest + chunk).split(/\r\n|\n|\r/);
      rest = parts.pop() ?? '';
      if (rest.length > maxLine) {
        parts.push(rest.slice(0, maxLine));
        rest = '';
      }
      const lines = parts
        .filter((l) => l.length > 0)
        .map((l) => (l.length > maxLine ? l.slice(0, maxLine) : l));
      if (lines.length) onLines(lines);
    },
    end(): void {
      if (rest) onLines([rest.slice(0, maxLine)]);
      rest = '';
    },
  };
}

/**
 * The live file's text layout: a small head, then one section per collection with one member a
 * line, so each record's JSON can be cached and a write only joins lines:
 *
 *   {"version":3,"nextRunNumber":58,"archivedTo":{"runs":[42,1048576],"sweeps":[1,20480],…},
 *   "schedules":[
 *   {"name":"nightly",…}
 *   ],
 *   "keys":{
 *   "command:…":1767225600000,"action:…":1767225600001
 *   },
 *   "runs":[
 *   {"id":"r-0a1b2c3d4e",…},
 *   {"id":"r-0a1b2c3d4f",…}
 *   ],
 *   "sweeps":[
 *   {"id":"s-0a1b2c3d4e",…}
 *   ],
 *   "pipelines":[
 *   ]}
 *
 * It is plain JSON: any reader may parse it whole. (JSON text never holds a raw newline inside a
 * value, so a line break is always layout.)
 */
export interface Section {
  name: string;
  /** A list of values, or the members of an object (`"key":value,…`). */
  shape: 'list' | 'object';
  /** Each line's UTF-8 bytes, kept by their owner: a write encodes nothing it wrote before. */
  lines: Buffer[];
}

const SEPARATOR = Buffer.from(',\n');
const END = Buffer.from('}');

/**
 * The file's bytes as a list of chunks, gathered rather than re-encoded or even copied: the write
 * hands the list to the kernel as it is (writev).
 */
export function encodeDocument(head: Record<string, unknown>, sections: Section[]): Buffer[] {
  const parts: Buffer[] = [Buffer.from(JSON.stringify(head).slice(0, -1))];
  for (const { name, shape, lines } of sections) {
    const [open, close] = shape === 'list' ? ['[', ']'] : ['{', '}'];
    parts.push(Buffer.from(`,\n${JSON.stringify(name)}:${open}\n`));
    lines.forEach((line, i) => {
      if (i > 0) parts.push(SEPARATOR);
      parts.push(line);
    });
    parts.push(lines.length === 0 ? Buffer.from(close) : Buffer.from(`\n${close}`));
  }
  parts.push(END);
  return parts;
}

/**
 * The lines of a list section in text laid out as encodeDocument writes it, each checked to start
 * with what `startOf(i)` says element i starts with. Undefined for any other layout (a file
 * edited by hand, an older version): its records are then encoded again on the next write.
 */
export function sectionLines(
  text: string,
  name: string,
  count: number,
  startOf: (i: number) => string,
): string[] | undefined {
  const opener = `\n${JSON.stringify(name)}:[\n`;
  const at = text.indexOf(opener);
  if (at === -1) return undefined;
  const from = at + opener.length;
  if (count === 0) return text.startsWith(']', from) ? [] : undefined;
  const end = text.indexOf('\n]', from);
  if (end === -1) return undefined;
  const lines = text.slice(from, end).split(',\n');
  if (lines.length !== count) return undefined;
  for (let i = 0; i < count; i++) if (!lines[i].startsWith(startOf(i))) return undefined;
  return lines;
}

/**
 * Pod log lines as the API sends them with `timestamps=true` ("<RFC 3339 nano time> <text>"), and
 * the bookkeeping that lets a broken follow resume without repeating lines. `sinceTime` only has
 * whole seconds, so a resumed stream starts a little early and the cursor drops what was delivered.
 */

/** Where delivery stands: the last timestamp delivered and how many lines carried exactly it. */
export interface LogCursor {
  time: string;
  countAtTime: number;
}

/** A fixed-width, sortable form of an RFC 3339 time (nanoseconds padded to 9 digits). */
export function sortableTime(time: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(time);
  if (!m) return time;
  return `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}Z`;
}

/** Splits "<time> <text>"; lines without a timestamp (should not happen) keep an empty time. */
export function splitTimestamp(line: string): { time: string; text: string } {
  const space = line.indexOf(' ');
  const head = space === -1 ? line : line.slice(0, space);
  if (!/^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(head)) return { time: '', text: line };
  return { time: sortableTime(head), text: space === -1 ? '' : line.slice(space + 1) };
}

/** The `sinceTime` to resume from: the cursor's second, cut down (the API takes whole seconds). */
export function resumeSince(cursor: LogCursor): string {
  return `${cursor.time.slice(0, 19)}Z`;
}

/**
 * Keeps the lines after the cursor, returns them without their timestamps and the new cursor.
 * Lines at the cursor's exact time are counted, so the first `countAtTime` of them are repeats.
 */
export function advance(
  cursor: LogCursor | undefined,
  lines: string[],
): { text: string[]; cursor: LogCursor | undefined } {
  let current = cursor;
  let repeatsLeft = cursor?.countAtTime ?? 0;
  const text: string[] = [];
  for (const line of lines) {
    const { time, text: body } = splitTimestamp(line);
    if (time && current) {
      if (time < current.time) continue;
      if (time === current.time && repeatsLeft > 0) {
        repeatsLeft--;
        continue;
      }
    }
    if (time) {
      current =
        current && current.time === time
          ? { time, countAtTime: current.countAtTime + 1 }
          : { time, countAtTime: 1 };
      repeatsLeft = 0;
    }
    text.push(body);
  }
  return { text, cursor: current };
}

/**
 * The cursor as the orchestrator keeps it on the run (`run.logCursor`): the pod, the last
 * delivered time and how many lines carried it. The pod is part of it because a newer attempt's
 * pod has a log of its own, read from its start (its node's clock may run behind the old one's).
 */
export function encodeLogCursor(pod: string, cursor: LogCursor): string {
  return `${pod} ${cursor.time} ${cursor.countAtTime}`;
}

/** The pod and cursor in a stored `run.logCursor`; undefined for anything this runtime did not write. */
export function decodeLogCursor(text: string | undefined): { pod: string; cursor: LogCursor } | undefined {
  const m = /^(\S+) (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z) (\d+)$/.exec(text ?? '');
  if (!m) return undefined;
  return { pod: m[1], cursor: { time: m[2], countAtTime: Number(m[3]) } };
}

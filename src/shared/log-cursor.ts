/**
 * Where a run's log has been delivered up to, for logs whose lines carry timestamps (Docker with
 * `timestamps: true`, Kubernetes with `timestamps=true`: "<RFC 3339 time> <text>"). Both engines
 * resume a stream only from a whole second, so a resumed stream starts a little early; the
 * position says which of its first lines were delivered already, so none is delivered twice.
 */

/**
 * The latest time delivered, and how many delivered lines carry a time in that time's second (a
 * stream resumed from that second sends exactly those lines first, in the same order).
 */
export interface LogPosition {
  time: string;
  linesInSecond: number;
}

const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/;
const SORTABLE = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z';

/** A fixed-width, sortable form of an RFC 3339 UTC time (nanoseconds padded to 9 digits). */
export function sortableTime(time: string): string {
  const m = STAMP.exec(time);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}Z` : time;
}

/** Splits "<time> <text>"; a line without a timestamp (should not happen) has no time. */
export function splitLogTimestamp(line: string): { time?: string; text: string } {
  const space = line.indexOf(' ');
  const head = space === -1 ? line : line.slice(0, space);
  if (!STAMP.test(head)) return { text: line };
  return { time: sortableTime(head), text: space === -1 ? '' : line.slice(space + 1) };
}

/** The whole second a position falls in, as RFC 3339 (Kubernetes' `sinceTime`). */
export function resumeSecond(position: LogPosition): string {
  return `${position.time.slice(0, 19)}Z`;
}

/** The same second in seconds since the epoch (Docker's `since`). */
export function resumeEpochSeconds(position: LogPosition): number {
  return Date.parse(resumeSecond(position)) / 1000;
}

const secondOf = (time: string) => time.slice(0, 19);

/**
 * Reads the lines of a timestamped stream in order, keeping the position. After `reopen()` (the
 * stream started again from the position's second) it drops the lines that position says were
 * delivered; from the first new line on, every line is new, even one stamped earlier than the one
 * before it (stdout and stderr are stamped apart, so they can cross by a few nanoseconds).
 */
export class TimestampedLog {
  /** Lines of the resumed stream still to drop; 0 once past the position. */
  private toSkip: number;

  constructor(private current?: LogPosition) {
    this.toSkip = current?.linesInSecond ?? 0;
  }

  get position(): LogPosition | undefined {
    return this.current;
  }

  /** The stream is being opened again from `resumeSecond(position)`. */
  reopen(): void {
    this.toSkip = this.current?.linesInSecond ?? 0;
  }

  /** The text of a raw line if it is new, undefined if it was delivered before. */
  take(line: string): string | undefined {
    const { time, text } = splitLogTimestamp(line);
    if (time === undefined) return text;
    const at = this.current;
    if (this.toSkip > 0 && at && time <= at.time) {
      this.toSkip--;
      return undefined;
    }
    // A line stamped after the position is new, so the rest of the stream is too.
    this.toSkip = 0;
    if (!at || secondOf(time) > secondOf(at.time)) this.current = { time, linesInSecond: 1 };
    else if (secondOf(time) === secondOf(at.time)) {
      // Times are strings of one fixed width, so they compare as they sort.
      const latest = [time, at.time].sort()[1];
      this.current = { time: latest, linesInSecond: at.linesInSecond + 1 };
    }
    return text;
  }
}

/**
 * The position as the orchestrator keeps it on the run (`run.logCursor`): the stream it belongs to
 * (a pod's or a container's name), the time and the count. The stream is part of it because a
 * newer attempt's pod has a log of its own, read from its start.
 */
export function encodeLogCursor(stream: string, position: LogPosition): string {
  return `${stream} ${position.time} n=${position.linesInSecond}`;
}

const CURSOR = new RegExp(`^(\\S+) (${SORTABLE}) n=(\\d+)$`);
/**
 * What earlier versions stored: a bare time (Docker) or "<pod> <time> <count>" (Kubernetes). Both
 * are read as "every line up to that time was delivered".
 */
const EARLIER_DOCKER = new RegExp(`^(${SORTABLE})$`);
const EARLIER_KUBERNETES = new RegExp(`^(\\S+) (${SORTABLE}) \\d+$`);

/** The stream and position in a stored `run.logCursor`; undefined for anything no runtime wrote. */
export function decodeLogCursor(
  text: string | undefined,
): { stream?: string; position: LogPosition } | undefined {
  if (text === undefined) return undefined;
  const m = CURSOR.exec(text);
  if (m) return { stream: m[1], position: { time: m[2], linesInSecond: Number(m[3]) } };
  const everything = (time: string) => ({ time, linesInSecond: Number.MAX_SAFE_INTEGER });
  const docker = EARLIER_DOCKER.exec(text);
  if (docker) return { position: everything(docker[1]) };
  const kubernetes = EARLIER_KUBERNETES.exec(text);
  if (kubernetes) return { stream: kubernetes[1], position: everything(kubernetes[2]) };
  return undefined;
}

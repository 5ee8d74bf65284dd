/**
 * Docker's log stream for containers without a TTY is multiplexed: each frame is an 8-byte
 * header (stream type: 1 stdout, 2 stderr; 3 zero bytes; payload length, big-endian uint32)
 * followed by the payload. Frames do not line up with the chunks the socket delivers.
 */
export type LogStream = 'stdout' | 'stderr';

export class FrameDemuxer {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onPayload: (stream: LogStream, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let offset = 0;
    while (this.pending.length - offset >= 8) {
      const size = this.pending.readUInt32BE(offset + 4);
      if (this.pending.length - offset - 8 < size) break;
      const type = this.pending[offset];
      const payload = this.pending.subarray(offset + 8, offset + 8 + size);
      // Type 0 (stdin) never carries output; anything but stderr is treated as stdout.
      this.onPayload(type === 2 ? 'stderr' : 'stdout', payload);
      offset += 8 + size;
    }
    this.pending = this.pending.subarray(offset);
  }
}

/** Splits a whole multiplexed reply (e.g. a non-followed `logs` call) into its payloads' text. */
export function demuxAll(reply: Buffer): string {
  let text = '';
  new FrameDemuxer((_stream, payload) => {
    text += payload.toString('utf8');
  }).push(reply);
  return text;
}

const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z /;
const KEY = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/;

/**
 * With `timestamps: true` each line starts with an RFC 3339 time (trailing zeros trimmed).
 * Returns the line without it and a key that sorts in time order (the same time with all nine
 * digits of nanoseconds). The last key delivered is the run's log cursor.
 */
export function splitTimestamp(line: string): { key?: string; text: string } {
  const match = TIMESTAMP.exec(line);
  if (!match) return { text: line };
  return { key: `${match[1]}.${(match[2] ?? '').padEnd(9, '0')}Z`, text: line.slice(match[0].length) };
}

/** A stored `run.logCursor` if it is a key of ours; undefined for anything else. */
export function parseLogCursor(cursor: string | undefined): string | undefined {
  return cursor && KEY.test(cursor) ? cursor : undefined;
}

/** The whole second a key falls in, in seconds since the epoch: Docker's `since` for resuming there. */
export function secondOf(key: string): number {
  return Date.parse(`${key.slice(0, 19)}Z`) / 1000;
}

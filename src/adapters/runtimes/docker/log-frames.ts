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

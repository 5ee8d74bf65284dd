import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/**
 * A loopback stand-in for Slack's Socket Mode endpoint: a bare WebSocket server (text, ping
 * and close frames only, no extensions) that says `hello`, delivers envelopes and collects the
 * app's acks. Point FakeSlackApi.socketModeUrl at `url` so apps.connections.open returns it.
 */
export class FakeSocketMode {
  private readonly server: Server;
  private socket: Duplex | undefined;
  private connectedWaiters: (() => void)[] = [];
  private readonly acks = new Map<string, (ack: Record<string, unknown>) => void>();
  private seq = 0;
  private buffered = Buffer.alloc(0);
  private peerClosed: (() => void) | undefined;

  private constructor() {
    this.server = createServer((_req, res) => res.writeHead(426).end());
    this.server.on('upgrade', (req, socket) => this.accept(req, socket));
  }

  static async start(): Promise<FakeSocketMode> {
    const fake = new FakeSocketMode();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `ws://127.0.0.1:${port}/link`;
  }

  /** Resolves once an app connected and was greeted. */
  connected(): Promise<void> {
    if (this.socket) return Promise.resolve();
    return new Promise((resolve) => this.connectedWaiters.push(resolve));
  }

  /** Sends an envelope (e.g. `slash_commands` with the command's fields) and resolves with the app's ack. */
  deliver(
    type: string,
    payload: Record<string, unknown>,
    retryAttempt = 0,
  ): Promise<Record<string, unknown>> {
    const envelopeId = `env-${++this.seq}`;
    const acked = new Promise<Record<string, unknown>>((resolve) => this.acks.set(envelopeId, resolve));
    this.send({
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: type === 'slash_commands' || type === 'interactive',
      retry_attempt: retryAttempt,
      retry_reason: retryAttempt ? 'timeout' : '',
    });
    return acked;
  }

  /** Waits for the app's close handshake (it disconnects when the chat closes), then shuts down. */
  async close(): Promise<void> {
    if (this.socket && !this.socket.destroyed) {
      await new Promise<void>((resolve) => {
        this.peerClosed = resolve;
        this.socket?.once('close', resolve);
      });
    }
    this.socket?.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(req: IncomingMessage, socket: Duplex): void {
    const key = String(req.headers['sec-websocket-key'] ?? '');
    const accept = createHash('sha1')
      .update(key + WS_GUID)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => {});
    this.send({
      type: 'hello',
      num_connections: 1,
      connection_info: { app_id: 'A1' },
      debug_info: { host: 'fake' },
    });
    for (const w of this.connectedWaiters.splice(0)) w();
  }

  private send(message: Record<string, unknown>, opcode = 0x1): void {
    this.frame(opcode, Buffer.from(JSON.stringify(message)));
  }

  private frame(opcode: number, payload: Buffer): void {
    const len = payload.length;
    const head =
      len < 126
        ? Buffer.from([0x80 | opcode, len])
        : Buffer.from([0x80 | opcode, 126, (len >> 8) & 0xff, len & 0xff]);
    this.socket?.write(Buffer.concat([head, payload]));
  }

  /** Client frames are masked; frames may arrive split or several per chunk. */
  private receive(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    for (;;) {
      const b = this.buffered;
      if (b.length < 2) return;
      const opcode = b[0] & 0x0f;
      let len = b[1] & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (b.length < 4) return;
        len = b.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (b.length < 10) return;
        len = Number(b.readBigUInt64BE(2));
        offset = 10;
      }
      const masked = (b[1] & 0x80) !== 0;
      const maskAt = offset;
      if (masked) offset += 4;
      if (b.length < offset + len) return;
      const payload = Buffer.from(b.subarray(offset, offset + len));
      if (masked) for (let i = 0; i < len; i++) payload[i] ^= b[maskAt + (i % 4)];
      this.buffered = b.subarray(offset + len);
      if (opcode === 0x9) this.frame(0xa, payload);
      if (opcode === 0x8) {
        this.frame(0x8, payload); // answer the close handshake, or the client waits its close timeout
        this.socket?.end();
        this.peerClosed?.();
      }
      if (opcode === 0x1) this.onMessage(payload.toString('utf8'));
    }
  }

  private onMessage(text: string): void {
    const message = JSON.parse(text) as Record<string, unknown>;
    const id = String(message.envelope_id ?? '');
    const resolve = this.acks.get(id);
    if (resolve) {
      this.acks.delete(id);
      resolve(message);
    }
  }
}

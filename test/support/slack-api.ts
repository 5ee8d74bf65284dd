import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Budget } from '../../src/adapters/chat/slack/budget-window.ts';

/** One request the fake received. `args` are the decoded form/JSON fields (blocks parsed back to objects). */
export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
  /** The error the fake answered with (`ok: false`), if it did. */
  error?: string;
}

/** A canned failure for the next call(s) of a method. */
export type FakeFailure = { error: string } | { status: number; retryAfter?: number };

export interface FakeSlackApiOptions {
  /** Bot token the fake accepts; other tokens get `invalid_auth`. */
  token?: string;
  /** Budgets the fake enforces with 429 + Retry-After, e.g. Tier 3 for chat.update. */
  limits?: Record<string, Budget>;
}

/**
 * A loopback Slack Web API: answers like Slack (`ok`, `ts`, `channel`), records every call,
 * rate-limits with 429 + Retry-After when told to or when a configured budget is exceeded,
 * serves the external file upload flow and stands in for response_url endpoints.
 */
export class FakeSlackApi {
  readonly calls: RecordedCall[] = [];
  /** Uploaded file bodies by file id, as text. */
  readonly uploads = new Map<string, string>();
  /** Uploaded file bodies by file id, byte for byte (pictures). */
  readonly uploadedBytes = new Map<string, Buffer>();
  /** Views opened, updated or published, by view id: the latest of each, with its hash. */
  readonly views = new Map<string, { view: Record<string, unknown>; hash: string; user?: string }>();
  /**
   * Triggers older than this are refused with `expired_trigger_id`, as Slack refuses them after
   * 3 s; off unless set (tests never depend on how fast a machine is). The trigger's time comes
   * from `issueTrigger`.
   */
  triggerTtlMs: number | undefined;
  private readonly triggers = new Map<string, number>();
  private readonly exchanged = new Set<string>();
  /** Count of 429 answers by method. */
  readonly rateLimited = new Map<string, number>();
  /** Channels that answer every call with this error, e.g. `channel_not_found`. */
  readonly channelErrors = new Map<string, string>();
  /** What apps.connections.open returns (a FakeSocketMode's url) for Socket Mode tests. */
  socketModeUrl: string | undefined;
  private readonly failures = new Map<string, FakeFailure[]>();
  /** Methods whose calls get no answer until released (a Slack that hangs). */
  private readonly held = new Map<string, ((answer: boolean) => void)[]>();
  private readonly windows = new Map<string, number[]>();
  private readonly server: Server;
  private seq = 0;
  private waiters: { predicate: () => boolean; resolve: () => void }[] = [];

  private constructor(private readonly opts: FakeSlackApiOptions) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        res.writeHead(500).end(String(err));
      });
    });
  }

  static async start(opts: FakeSlackApiOptions = {}): Promise<FakeSlackApi> {
    const fake = new FakeSlackApi(opts);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Web API base, as SLACK_API_URL. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** A response_url for a slash command or button payload; answers to it are recorded as method `response_url`. */
  responseUrl(id = String(++this.seq)): string {
    return `${this.url}/response/${id}`;
  }

  /** A trigger_id for a delivery, remembered with the time it was made (see triggerTtlMs). */
  issueTrigger(id = `${++this.seq}.${Date.now()}.trigger`): string {
    this.triggers.set(id, Date.now());
    return id;
  }

  /** The next call(s) of `method` fail like this, in order. */
  failNext(method: string, ...failures: FakeFailure[]): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...failures]);
  }

  /**
   * Calls of `method` arriving from now on get no answer until `release()`: a Slack that hangs.
   * `release('drop')` cuts them off unrecorded instead, as when the bot that made them died; a
   * call whose client went away meanwhile is never recorded either.
   */
  hold(method: string): (how?: 'answer' | 'drop') => void {
    this.held.set(method, this.held.get(method) ?? []);
    return (how = 'answer') => {
      const waiting = this.held.get(method) ?? [];
      this.held.delete(method);
      for (const release of waiting) release(how === 'answer');
    };
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves once `predicate` holds (checked after every call). */
  waitFor(predicate: () => boolean): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ predicate, resolve }));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    // Held from its arrival: a call already on its way when the hold ends is held too.
    const held = this.held.get(path.slice('/api/'.length));
    const answer = held ? await new Promise<boolean>((resolve) => held.push(resolve)) : true;
    if (!answer) {
      res.destroy();
      return;
    }
    const raw = await readBody(req);
    const body = raw.toString('utf8');
    if (path.startsWith('/upload/')) {
      const bytes = await uploadedContent(req, raw);
      const fileId = path.slice('/upload/'.length);
      this.uploadedBytes.set(fileId, bytes);
      this.uploads.set(fileId, bytes.toString('utf8'));
      this.record('upload', { file_id: fileId, bytes: bytes.length });
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${raw.length}`);
      return;
    }
    if (path.startsWith('/response/')) {
      this.record('response_url', { id: path.slice('/response/'.length), ...parseArgs(req, body) });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    if (!path.startsWith('/api/')) {
      res.writeHead(404).end();
      return;
    }
    const method = path.slice('/api/'.length);
    if (held && (res.destroyed || req.socket.destroyed)) return;
    const args = parseArgs(req, body);
    const failure = this.failures.get(method)?.shift();
    if (failure && 'status' in failure) {
      if (failure.status === 429) this.rateLimited.set(method, (this.rateLimited.get(method) ?? 0) + 1);
      const headers: Record<string, string> = failure.retryAfter
        ? { 'retry-after': String(failure.retryAfter) }
        : {};
      res.writeHead(failure.status, headers).end();
      this.notify();
      return;
    }
    const retryAfter = this.overBudget(method, String(args.channel ?? args.channel_id ?? ''));
    if (retryAfter !== undefined) {
      this.rateLimited.set(method, (this.rateLimited.get(method) ?? 0) + 1);
      res.writeHead(429, { 'retry-after': String(retryAfter) }).end();
      this.notify();
      return;
    }
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '') || String(args.token ?? '');
    const error =
      failure?.error ??
      (this.opts.token && !tokenFits(method, token, this.opts.token) ? 'invalid_auth' : undefined) ??
      this.channelErrors.get(String(args.channel ?? args.channel_id ?? '')) ??
      this.viewError(method, args);
    this.record(method, args, error);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(error ? { ok: false, error } : this.answer(method, args)));
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const ts = `${Math.floor(Date.now() / 1000)}.${String(++this.seq).padStart(6, '0')}`;
    switch (method) {
      case 'chat.postMessage':
        return { ok: true, channel: args.channel, ts, message: { text: args.text, ts } };
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: ts };
      case 'files.getUploadURLExternal': {
        const fileId = `F${String(++this.seq).padStart(8, '0')}`;
        return { ok: true, upload_url: `${this.url}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal':
        return { ok: true, files: parseJsonField(args.files) };
      case 'views.open':
      case 'views.update':
      case 'views.publish':
        return { ok: true, view: this.keepView(method, args) };
      case 'apps.connections.open':
        return this.socketModeUrl
          ? { ok: true, url: this.socketModeUrl }
          : { ok: false, error: 'not_allowed_token_type' };
      case 'auth.test':
        return { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1' };
      default:
        return { ok: true };
    }
  }

  /** What Slack would refuse a views call for: a trigger used twice or too old, a stale hash, no such view. */
  private viewError(method: string, args: Record<string, unknown>): string | undefined {
    if (method === 'views.open') {
      const trigger = String(args.trigger_id ?? '');
      if (!trigger) return 'invalid_trigger_id';
      if (this.exchanged.has(trigger)) return 'exchanged_trigger_id';
      const issued = this.triggers.get(trigger);
      if (
        this.triggerTtlMs !== undefined &&
        issued !== undefined &&
        Date.now() - issued > this.triggerTtlMs
      ) {
        return 'expired_trigger_id';
      }
      this.exchanged.add(trigger);
    }
    if (method === 'views.update') {
      const current = this.views.get(String(args.view_id ?? ''));
      if (!current) return 'not_found';
      if (args.hash !== undefined && args.hash !== current.hash) return 'hash_conflict';
    }
    if (method === 'views.publish' && !args.user_id) return 'invalid_arguments';
    return undefined;
  }

  /** Keeps a view as Slack would, with a new hash, and returns it as Slack's answer does. */
  private keepView(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const view = (parseJsonField(args.view) ?? {}) as Record<string, unknown>;
    const user = method === 'views.publish' ? String(args.user_id) : undefined;
    const id =
      method === 'views.update'
        ? String(args.view_id)
        : method === 'views.publish'
          ? `VH${user}`
          : `V${String(++this.seq).padStart(8, '0')}`;
    const hash = `${Date.now()}.${++this.seq}`;
    this.views.set(id, { view, hash, user });
    return { ...view, id, hash };
  }

  /** Seconds to wait if this call exceeds a configured budget (sliding window, like Slack counts). */
  private overBudget(method: string, channel: string): number | undefined {
    const limit = this.opts.limits?.[method];
    if (!limit) return undefined;
    const id = limit.scope === 'channel' ? `${method}:${channel}` : method;
    const now = Date.now();
    const sent = (this.windows.get(id) ?? []).filter((t) => t > now - limit.windowMs);
    this.windows.set(id, sent);
    if (sent.length >= limit.limit) return Math.max(1, Math.ceil((sent[0] + limit.windowMs - now) / 1000));
    sent.push(now);
    return undefined;
  }

  private record(method: string, args: Record<string, unknown>, error?: string): void {
    this.calls.push(error ? { method, args, at: Date.now(), error } : { method, args, at: Date.now() });
    this.notify();
  }

  private notify(): void {
    const ready = this.waiters.filter((w) => w.predicate());
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }
}

/** apps.connections.open takes the app-level token (xapp-); every other method the bot token. */
function tokenFits(method: string, token: string, botToken: string): boolean {
  return method === 'apps.connections.open' ? token.startsWith('xapp-') : token === botToken;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The Web API sends form fields with JSON-encoded objects inside; response_urls get JSON. */
function parseArgs(req: IncomingMessage, body: string): Record<string, unknown> {
  if ((req.headers['content-type'] ?? '').includes('application/json')) return body ? JSON.parse(body) : {};
  const args: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(body))
    args[k] = ['blocks', 'attachments', 'view', 'files'].includes(k) ? parseJsonField(v) : v;
  return args;
}

/** The web-api client sends the file as multipart form data; Slack also takes a raw body. Bytes kept as sent. */
async function uploadedContent(req: IncomingMessage, body: Buffer): Promise<Buffer> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('multipart/form-data')) return body;
  const form = await new Response(new Uint8Array(body), { headers: { 'content-type': type } }).formData();
  const file = [...form.values()][0];
  if (file === undefined) return Buffer.alloc(0);
  return typeof file === 'string' ? Buffer.from(file) : Buffer.from(await file.arrayBuffer());
}

function parseJsonField(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

import type Docker from 'dockerode';
import { z } from 'zod';
import { MANAGED_SELECTOR } from '../../../core/run/run-identity.ts';
import { Backoff, type BackoffPolicy } from '../../../shared/backoff.ts';
import { createLineSplitter } from '../../../shared/line-splitter.ts';
import type { Logger } from '../../../shared/log.ts';
import { engineMessage } from '../../docker/docker-engine.ts';

/** Streams dockerode hands out are HTTP responses, which can be destroyed to hang up. */
export type Destroyable = NodeJS.ReadableStream & { destroy?: () => void };

/** One line of the engine's event stream; fields vary between engine versions. */
const EngineEvent = z
  .object({
    Action: z.string().optional(),
    status: z.string().optional(),
    id: z.string().optional(),
    time: z.number().optional(),
    timeNano: z.number().optional(),
  })
  .loose();

export interface ContainerEventsOptions {
  docker: Docker;
  log: Logger;
  /** A container Trainyard manages started or died. */
  onEvent: (action: 'start' | 'die', containerId: string, at: Date) => void;
  backoff?: BackoffPolicy;
}

/**
 * One label-selected event stream for every container Trainyard manages (no polling per run).
 * When it drops, it reconnects by itself with `since` set to the last event seen, so the engine
 * replays what happened meanwhile.
 */
export class ContainerEvents {
  /** Resolves once the stream has been open once; never rejects. */
  readonly whenConnected: Promise<void>;
  private markConnected!: () => void;
  private stream?: Destroyable;
  private open = false;
  private closed = false;
  private lastEventSeconds?: number;
  private reconnectTimer?: NodeJS.Timeout;
  private readonly backoff: Backoff;

  constructor(private readonly opts: ContainerEventsOptions) {
    this.backoff = new Backoff(opts.backoff ?? { baseMs: 500, maxMs: 10_000 });
    this.whenConnected = new Promise((resolve) => {
      this.markConnected = resolve;
    });
  }

  get connected(): boolean {
    return this.open;
  }

  /** Opens the stream; rejects when the engine does not answer. */
  async connect(): Promise<void> {
    const options: Docker.GetEventsOptions = {
      filters: { type: ['container'], label: [MANAGED_SELECTOR], event: ['start', 'die'] },
    };
    if (this.lastEventSeconds !== undefined) options.since = this.lastEventSeconds;
    const stream = (await this.opts.docker.getEvents(options)) as Destroyable;
    if (this.closed) {
      stream.destroy?.();
      return;
    }
    this.stream = stream;
    this.open = true;
    this.backoff.reset();
    this.markConnected();
    const lines = createLineSplitter(
      (batch) => {
        for (const line of batch) this.onLine(line);
      },
      {
        breakAtCarriageReturn: false,
      },
    );
    stream.on('data', (chunk: Buffer) => lines.push(chunk.toString('utf8')));
    const lost = () => {
      if (this.stream !== stream) return;
      this.stream = undefined;
      this.open = false;
      if (!this.closed) this.reconnectLater();
    };
    stream.once('end', lost);
    stream.once('close', lost);
    stream.once('error', lost);
  }

  close(): void {
    this.closed = true;
    this.open = false;
    clearTimeout(this.reconnectTimer);
    this.stream?.destroy?.();
  }

  private reconnectLater(): void {
    const delayMs = this.backoff.next();
    this.opts.log.warn('docker event stream ended; reconnecting', { delayMs });
    this.reconnectTimer = setTimeout(() => {
      this.connect().catch((err: unknown) => {
        this.opts.log.warn('reconnecting to docker events failed', { error: engineMessage(err) });
        if (!this.closed) this.reconnectLater();
      });
    }, delayMs);
  }

  private onLine(line: string): void {
    let event: z.infer<typeof EngineEvent>;
    try {
      event = EngineEvent.parse(JSON.parse(line));
    } catch {
      return;
    }
    if (event.time !== undefined) this.lastEventSeconds = event.time;
    const action = event.Action ?? event.status;
    if (!event.id || (action !== 'start' && action !== 'die')) return;
    const at = event.timeNano ? new Date(Math.floor(event.timeNano / 1e6)) : new Date();
    this.opts.onEvent(action, event.id, at);
  }
}

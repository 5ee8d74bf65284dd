import type { webApi } from '@slack/bolt';
import type { Reply } from '../../../core/reply.ts';
import { isEnded, type MessageRef, type Run } from '../../../core/run/run.ts';
import type { ChatHandlers, ChatPort, Requester } from '../../../ports/chat.ts';
import type { Logger } from '../../../shared/log.ts';
import type { SlackMessage } from '../../../views/blocks/block-kit.ts';
import { renderNotice } from '../../../views/blocks/notice.ts';
import { renderReply } from '../../../views/blocks/reply.ts';
import { renderRunCard } from '../../../views/blocks/run-card.ts';
import { headAndTail } from './head-and-tail.ts';
import type { OutboundQueue } from './OutboundQueue.ts';
import { HttpStatusError } from './slack-error.ts';

/** Where Slack events come from (the Bolt app); SlackChat starts and stops it with itself. */
export interface SlackInbound {
  /** Starts receiving; resolves with the HTTP port when one is listening. */
  start(): Promise<number | undefined>;
  stop(): Promise<void>;
}

export interface SlackChatOptions {
  web: webApi.WebClient;
  queue: OutboundQueue;
  log: Logger;
  /** Builds the receiver of Slack events; it gets the chat to answer through and read handlers from. */
  inbound?: (chat: SlackChat) => SlackInbound;
  /** Least time between two updates of one card; end states go at once. */
  cardUpdateIntervalMs?: number;
}

/** Default gap between updates of one card: the `update interval` of the Slack-calls-per-run budget. */
export const CARD_UPDATE_INTERVAL_MS = 5_000;

/**
 * The Slack side of ChatPort. Every call goes through the one OutboundQueue; nothing here
 * throws for a delivery problem (the queue logs and drops), so a run never depends on Slack.
 *
 * The orchestrator is built after the chat (it needs the chat), so handlers arrive later
 * through setHandlers; a command that comes before that gets a "still starting" answer.
 */
export class SlackChat implements ChatPort {
  readonly kind = 'slack' as const;
  private handlers: ChatHandlers | undefined;
  private port: number | undefined;
  private readonly inbound: SlackInbound | undefined;

  constructor(private readonly opts: SlackChatOptions) {
    this.inbound = opts.inbound?.(this);
  }

  setHandlers(handlers: ChatHandlers): void {
    this.handlers = handlers;
  }

  /** The handlers, once the orchestrator set them. */
  getHandlers(): ChatHandlers | undefined {
    return this.handlers;
  }

  /** The HTTP port Slack events (and health routes) are served on, once started. */
  get listeningPort(): number | undefined {
    return this.port;
  }

  async start(): Promise<void> {
    this.port = await this.inbound?.start();
  }

  async answer(to: Requester, reply: Reply): Promise<void> {
    const msg = renderReply(reply);
    if (to.replyTo) {
      const delivered = await this.opts.queue.enqueue({
        method: 'response_url',
        channel: to.channel,
        send: () => postToResponseUrl(to.replyTo as string, msg),
      });
      if (delivered) return;
    }
    await this.opts.queue.enqueue({
      method: 'chat.postEphemeral',
      channel: to.channel,
      send: () => this.opts.web.chat.postEphemeral({ channel: to.channel, user: to.user, ...msg }),
    });
  }

  async postRunCard(run: Run): Promise<MessageRef | undefined> {
    const res = await this.opts.queue.enqueue({
      method: 'chat.postMessage',
      channel: run.channel,
      priority: true,
      send: () => this.opts.web.chat.postMessage({ channel: run.channel, ...renderRunCard(run, new Date()) }),
    });
    if (!res?.ts) return undefined;
    const card = { channel: res.channel ?? run.channel, ts: res.ts };
    this.opts.queue.noteSent(cardKey(card));
    return card;
  }

  updateRunCard(run: Run): void {
    const card = run.card;
    if (!card) return;
    // Rendered when sent, not now: a coalesced update shows the elapsed time of its delivery.
    void this.opts.queue.enqueue({
      method: 'chat.update',
      channel: card.channel,
      coalesceKey: cardKey(card),
      priority: isEnded(run.state),
      minIntervalMs: this.opts.cardUpdateIntervalMs ?? CARD_UPDATE_INTERVAL_MS,
      send: () =>
        this.opts.web.chat.update({ channel: card.channel, ts: card.ts, ...renderRunCard(run, new Date()) }),
    });
  }

  async postNotice(run: Run, logTail: string[]): Promise<void> {
    const msg = renderNotice(run, logTail, new Date());
    const { channel } = threadOf(run);
    const thread = run.card ? { thread_ts: run.card.ts, reply_broadcast: true } : {};
    await this.opts.queue.enqueue({
      method: 'chat.postMessage',
      channel,
      priority: true,
      send: () => this.opts.web.chat.postMessage({ channel, ...thread, ...msg }),
    });
  }

  async postInThread(run: Run, reply: Reply): Promise<void> {
    const msg = renderReply(reply);
    const where = threadOf(run);
    await this.opts.queue.enqueue({
      method: 'chat.postMessage',
      channel: where.channel,
      send: () => this.opts.web.chat.postMessage({ ...where, ...msg }),
    });
  }

  async uploadFile(run: Run, filename: string, content: string, title: string): Promise<void> {
    const { channel, thread_ts } = threadOf(run);
    await this.opts.queue.enqueue({
      method: 'files.uploadV2',
      channel,
      priority: true,
      send: () => {
        const file = { channel_id: channel, content: headAndTail(content) || ' ', filename, title };
        return this.opts.web.filesUploadV2(thread_ts ? { ...file, thread_ts } : file);
      },
    });
  }

  async announce(channel: string, text: string): Promise<void> {
    await this.opts.queue.enqueue({
      method: 'chat.postMessage',
      channel,
      send: () => this.opts.web.chat.postMessage({ channel, ...renderReply({ kind: 'info', text }) }),
    });
  }

  flush(): Promise<void> {
    return this.opts.queue.drain();
  }

  /** Stops receiving first (no new work), then gives queued messages a moment before dropping them. */
  async close(graceMs = 5_000): Promise<void> {
    await this.inbound?.stop();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.flush(), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    this.opts.queue.close();
  }
}

/** Where a run's replies go: the thread under its card, or its channel before a card exists. */
const threadOf = (run: Run): { channel: string; thread_ts?: string } =>
  run.card ? { channel: run.card.channel, thread_ts: run.card.ts } : { channel: run.channel };

/** Updates of one card coalesce under this key. */
const cardKey = (card: MessageRef): string => `update:${card.channel}:${card.ts}`;

/** An ephemeral answer through a command's or button's response_url (works even where the bot is not a member). */
async function postToResponseUrl(url: string, msg: SlackMessage): Promise<true> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, ...msg }),
  });
  await res.body?.cancel();
  if (!res.ok) {
    const retryAfter = Number(res.headers.get('retry-after'));
    throw new HttpStatusError(res.status, retryAfter > 0 ? retryAfter * 1000 : undefined);
  }
  return true;
}

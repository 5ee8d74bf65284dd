import type { webApi } from '@slack/bolt';
import type { GroupCard } from '../../../core/group-card.ts';
import type { Reply } from '../../../core/reply.ts';
import { isEnded, type MessageRef, type Run } from '../../../core/run/run.ts';
import type {
  ChatHandlers,
  ChatLeftovers,
  ChatPort,
  ImageFile,
  ImagePlace,
  Requester,
} from '../../../ports/chat.ts';
import type { FormView } from '../../../ports/forms.ts';
import type { HomeContent } from '../../../ports/home.ts';
import type { Logger } from '../../../shared/log.ts';
import { renderGroupCard, renderGroupNotice } from '../../../views/blocks/group-card.ts';
import { renderNotice } from '../../../views/blocks/notice.ts';
import { renderReply } from '../../../views/blocks/reply.ts';
import { renderRunCard } from '../../../views/blocks/run-card.ts';
import { headAndTail } from './head-and-tail.ts';
import type { Delivery, OutboundCall, OutboundQueue } from './OutboundQueue.ts';
import { postToResponseUrl } from './response-url.ts';
import { SlackViews } from './SlackViews.ts';

/** Where Slack events come from (the Bolt app); SlackChat starts and stops it with itself. */
export interface SlackInbound {
  /**
   * Starts receiving: every delivery goes to `handlers`; `answer` tells someone about a button
   * Trainyard does not know or a handler that failed. Resolves with the HTTP port when one listens.
   */
  start(
    handlers: ChatHandlers,
    answer: (to: Requester, reply: Reply) => Promise<void>,
  ): Promise<number | undefined>;
  stop(): Promise<void>;
}

export interface SlackChatOptions {
  web: webApi.WebClient;
  queue: OutboundQueue;
  log: Logger;
  /** The receiver of Slack events (absent in tests of the sending side only). */
  inbound?: SlackInbound;
  /** Least time between two updates of one card; end states go at once. */
  cardUpdateIntervalMs?: number;
}

/** Default gap between updates of one card: the `update interval` of the Slack-calls-per-run budget. */
export const CARD_UPDATE_INTERVAL_MS = 5_000;

/** How long close() keeps delivering final states and notices before it gives up on the rest. */
const CLOSE_WITHIN_MS = 10_000;

/**
 * The Slack side of ChatPort. Every call goes through the one OutboundQueue; nothing here
 * throws for a delivery problem (the queue logs and drops), so a run never depends on Slack.
 */
export class SlackChat implements ChatPort {
  readonly kind = 'slack' as const;
  private port: number | undefined;
  private readonly views: SlackViews;

  constructor(private readonly opts: SlackChatOptions) {
    this.views = new SlackViews({ ...opts, answer: (to, reply) => this.answer(to, reply) });
  }

  /** The HTTP port Slack events (and health routes) are served on, once started. */
  get listeningPort(): number | undefined {
    return this.port;
  }

  async start(handlers: ChatHandlers): Promise<void> {
    this.port = await this.opts.inbound?.start(handlers, (to, reply) => this.answer(to, reply));
  }

  async answer(to: Requester, reply: Reply): Promise<void> {
    const msg = renderReply(reply);
    if (!to.channel && !to.replyTo) {
      // From no channel (the Home tab) and with no response_url: the person's DM with the app.
      await this.opts.queue.enqueue({
        method: 'chat.postMessage',
        channel: to.user,
        send: () => this.opts.web.chat.postMessage({ channel: to.user, ...msg }),
      });
      return;
    }
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

  async postNotice(run: Run, logTail: string[]): Promise<boolean> {
    const msg = renderNotice(run, logTail, new Date());
    const { channel } = threadOf(run);
    const thread = run.card ? { thread_ts: run.card.ts, reply_broadcast: true } : {};
    return dealtWith(
      await this.opts.queue.deliver({
        method: 'chat.postMessage',
        channel,
        priority: true,
        send: () => this.opts.web.chat.postMessage({ channel, ...thread, ...msg }),
      }),
    );
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

  async uploadFile(run: Run, filename: string, content: string, title: string): Promise<boolean> {
    const { channel, thread_ts } = threadOf(run);
    const delivery = await this.opts.queue.deliver({
      method: 'files.uploadV2',
      channel,
      priority: true,
      send: () => {
        const file = { channel_id: channel, content: headAndTail(content) || ' ', filename, title };
        return this.opts.web.filesUploadV2(thread_ts ? { ...file, thread_ts } : file);
      },
    });
    return dealtWith(delivery);
  }

  /** A picture (a chart) through files.uploadV2, in its thread; an ordinary call, after cards and notices. */
  async uploadImage(where: ImagePlace, image: ImageFile): Promise<boolean> {
    const delivery = await this.opts.queue.deliver({
      method: 'files.uploadV2',
      channel: where.channel,
      send: () => {
        const { filename, title, altText, png } = image;
        const file = { channel_id: where.channel, file: png, filename, title, alt_text: altText };
        return this.opts.web.filesUploadV2(where.thread ? { ...file, thread_ts: where.thread } : file);
      },
    });
    return dealtWith(delivery);
  }

  /** A chart left out: nothing in the channel (the renderer logged why). */
  imageSkipped(where: ImagePlace, title: string, reason: string): void {
    this.opts.log.debug('picture left out', { channel: where.channel, title, reason });
  }

  showForm(to: Requester, form: FormView): Promise<void> {
    return this.views.showForm(to, form);
  }

  publishHome(user: string, home: HomeContent): Promise<void> {
    return this.views.publishHome(user, home);
  }

  async postGroupCard(channel: string, card: GroupCard): Promise<MessageRef | undefined> {
    const res = await this.opts.queue.enqueue({
      method: 'chat.postMessage',
      channel,
      priority: true,
      send: () => this.opts.web.chat.postMessage({ channel, ...renderGroupCard(card, new Date()) }),
    });
    if (!res?.ts) return undefined;
    const ref = { channel: res.channel ?? channel, ts: res.ts };
    this.opts.queue.noteSent(groupCardKey(ref));
    return ref;
  }

  updateGroupCard(ref: MessageRef, card: GroupCard, final: boolean): void {
    void this.opts.queue.enqueue({
      method: 'chat.update',
      channel: ref.channel,
      coalesceKey: groupCardKey(ref),
      priority: final,
      minIntervalMs: this.opts.cardUpdateIntervalMs ?? CARD_UPDATE_INTERVAL_MS,
      send: () =>
        this.opts.web.chat.update({ channel: ref.channel, ts: ref.ts, ...renderGroupCard(card, new Date()) }),
    });
  }

  async postGroupNotice(
    ref: MessageRef | undefined,
    channel: string,
    card: GroupCard,
    logTail: string[],
  ): Promise<boolean> {
    const msg = renderGroupNotice(card, logTail, new Date());
    const where = ref ? { channel: ref.channel, thread_ts: ref.ts, reply_broadcast: true } : { channel };
    return dealtWith(
      await this.opts.queue.deliver({
        method: 'chat.postMessage',
        channel: where.channel,
        priority: true,
        send: () => this.opts.web.chat.postMessage({ ...where, ...msg }),
      }),
    );
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

  /**
   * Stops receiving first (no new work), then delivers final card states, notices and uploads
   * for at most `withinMs`; what is left (progress updates above all) is dropped, and the cards
   * it would have updated are returned so they can be brought up to date after the next start.
   */
  async close(withinMs = CLOSE_WITHIN_MS): Promise<ChatLeftovers> {
    await this.opts.inbound?.stop();
    const unsent = await this.opts.queue.closeWithin(withinMs);
    return { staleCards: unsent.flatMap(cardOfCall) };
  }
}

/** Delivered, or refused by Slack for good (logged by the queue): either way nothing is left to send. */
const dealtWith = (delivery: Delivery<unknown>): boolean => delivery.status !== 'unsent';

/** Where a run's replies go: the thread under its card, or its channel before a card exists. */
const threadOf = (run: Run): { channel: string; thread_ts?: string } =>
  run.card ? { channel: run.card.channel, thread_ts: run.card.ts } : { channel: run.channel };

/** Updates of one card coalesce under this key. */
const cardKey = (card: MessageRef): string => `update:${card.channel}:${card.ts}`;

/**
 * Updates of one group card coalesce under this key; its own prefix keeps it out of the run cards
 * reported stale on shutdown (a group's service redraws its card after the next start anyway).
 */
const groupCardKey = (card: MessageRef): string => `group:${card.channel}:${card.ts}`;

/** The card an unsent card update was for (channel ids and message timestamps hold no colon). */
function cardOfCall(call: OutboundCall<unknown>): MessageRef[] {
  const [kind, channel, ts] = call.coalesceKey?.split(':') ?? [];
  return call.method === 'chat.update' && kind === 'update' && channel && ts ? [{ channel, ts }] : [];
}

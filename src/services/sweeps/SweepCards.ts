import type { GroupCard } from '../../core/group-card.ts';
import type { Sweep } from '../../core/sweep/sweep.ts';
import type { ChatPort } from '../../ports/chat.ts';
import type { Store } from '../../ports/store.ts';
import type { Logger } from '../../shared/log.ts';
import type { Charts } from '../charts/Charts.ts';

export interface SweepCardsDeps {
  store: Pick<Store, 'sweeps'>;
  chat: Pick<ChatPort, 'postGroupCard' | 'updateGroupCard' | 'postGroupNotice'>;
  charts?: Pick<Charts, 'afterGroupNotice'>;
  log: Logger;
}

const cardOf = (sweep: Sweep): GroupCard => ({ kind: 'sweep', sweep });

/**
 * The one card of each sweep and its one fan-in notice. The card is posted in the background (a
 * slow chat never holds up a trial) and updated in place; the chat coalesces updates, so showing
 * every change costs Slack at most one update per card per interval.
 */
export class SweepCards {
  /** Card posts under way: updates meanwhile are left to the post, which shows the latest. */
  private readonly posts = new Map<string, Promise<void>>();
  /** Sweeps whose card the chat refused (e.g. a channel the bot cannot post in): not asked again. */
  private readonly refused = new Set<string>();

  constructor(private readonly deps: SweepCardsDeps) {}

  /** Shows the sweep as it is now: posts its card the first time, updates it after. */
  show(sweep: Sweep): void {
    if (sweep.card) {
      this.deps.chat.updateGroupCard(sweep.card, cardOf(sweep), false);
      return;
    }
    if (this.posts.has(sweep.id) || this.refused.has(sweep.id)) return;
    const posting = this.post(sweep).finally(() => this.posts.delete(sweep.id));
    this.posts.set(sweep.id, posting);
  }

  /**
   * The card's final state, then the fan-in notice in its thread. True once the notice is dealt
   * with; false when the chat shut down first (it is owed after the next start).
   */
  async fanIn(sweep: Sweep): Promise<boolean> {
    await this.posts.get(sweep.id);
    const latest = this.deps.store.sweeps.get(sweep.id) ?? sweep;
    if (latest.card) this.deps.chat.updateGroupCard(latest.card, cardOf(latest), true);
    const card = cardOf(latest);
    const sent = await this.deps.chat.postGroupNotice(latest.card, latest.channel, card, []);
    // The chart of the metric per trial follows the notice, drawn in the background.
    if (sent) this.deps.charts?.afterGroupNotice(latest.card, latest.channel, card);
    return sent;
  }

  private async post(sweep: Sweep): Promise<void> {
    const { store, chat, log } = this.deps;
    try {
      const card = await chat.postGroupCard(sweep.channel, cardOf(sweep));
      if (!card) {
        this.refused.add(sweep.id);
        return;
      }
      const latest = store.sweeps.get(sweep.id) ?? sweep;
      const withCard = { ...latest, card };
      store.sweeps.save(withCard);
      // The sweep moved on while the card was being posted: show where it is now (its final
      // state is left to the fan-in, which waits for this post).
      if (JSON.stringify(latest) !== JSON.stringify(sweep))
        chat.updateGroupCard(card, cardOf(withCard), false);
    } catch (err) {
      log.error('posting a sweep card failed', { sweep: sweep.id, err });
    }
  }
}

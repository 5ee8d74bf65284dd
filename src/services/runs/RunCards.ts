import { isEnded, type MessageRef, type Run } from '../../core/run/run.ts';
import type { ChatPort } from '../../ports/chat.ts';
import type { Store } from '../../ports/store.ts';
import type { Logger } from '../../shared/log.ts';

export interface RunCardsDeps {
  store: Store;
  chat: Pick<ChatPort, 'postRunCard' | 'updateRunCard'>;
  log: Logger;
}

const refOf = (card: MessageRef) => `${card.channel}:${card.ts}`;

/**
 * The run cards in the chat: posting them, keeping them up to date, and catching up after a
 * restart on the ones that were left behind. Quiet runs have none: their parent reports for them.
 */
export class RunCards {
  /** Card posts still under way: a run's notice waits for its card (it goes in the card's thread). */
  private readonly posts = new Map<string, Promise<void>>();

  constructor(private readonly deps: RunCardsDeps) {}

  /**
   * Posts the run's card in the background, once `after` has settled (e.g. its Job was created, so
   * the card shows it pending and needs no update right away), as the run is by then. A slow chat
   * never delays the run itself; the run's notice waits for the card from now on.
   */
  post(run: Run, after: Promise<unknown> = Promise.resolve()): void {
    if (run.quiet) return;
    const posting = after
      .catch(() => {})
      .then(() => this.postNow(this.deps.store.getRun(run.id) ?? run))
      .finally(() => {
        if (this.posts.get(run.id) === posting) this.posts.delete(run.id);
      });
    this.posts.set(run.id, posting);
  }

  /** Resolves once the run's card is posted (at once when no post is under way). */
  whenPosted(runId: string): Promise<void> {
    return this.posts.get(runId) ?? Promise.resolve();
  }

  /** Shows the run as it is now on its card. */
  refresh(run: Run): void {
    if (!run.quiet) this.deps.chat.updateRunCard(run);
  }

  /** Notes on their runs the cards whose latest state the chat could not deliver before shutting down. */
  markStale(cards: MessageRef[]): void {
    if (!cards.length) return;
    const stale = new Set(cards.map(refOf));
    for (const run of this.deps.store.listRuns()) {
      if (run.card && stale.has(refOf(run.card))) this.deps.store.saveRun({ ...run, cardStale: true });
    }
    this.deps.log.info('cards left out of date until the next start', { count: stale.size });
  }

  /**
   * After a start, for the runs the store held: cards left out of date are brought up to date,
   * and runs still going that never got a card get one.
   */
  catchUp(runs: Run[]): void {
    for (const run of runs) {
      if (run.quiet) continue;
      if (run.cardStale) {
        const { cardStale: _done, ...current } = this.deps.store.getRun(run.id) ?? run;
        // Cleared now: if this update is still waiting at the next shutdown, it is noted again.
        this.deps.store.saveRun(current);
        this.deps.chat.updateRunCard(current);
      } else if (!run.card && !isEnded(run.state)) {
        this.post(run);
      }
    }
  }

  private async postNow(run: Run): Promise<void> {
    try {
      const card = await this.deps.chat.postRunCard(run);
      if (!card) return;
      const latest = this.deps.store.getRun(run.id) ?? run;
      this.deps.store.saveRun({ ...latest, card });
      // The run may have moved on while the card was being posted.
      if (latest.state !== run.state || latest.progress) this.deps.chat.updateRunCard({ ...latest, card });
    } catch (err) {
      this.deps.log.error('posting a run card failed', { run: run.id, err });
    }
  }
}

import { isEnded, NOTICE_LOG_LINES, type Run } from '../../core/run/run.ts';
import type { ArtifactLister } from '../../ports/artifacts.ts';
import type { ChatPort } from '../../ports/chat.ts';
import type { LogArchive } from '../../ports/log-archive.ts';
import type { Histogram, Metrics } from '../../ports/metrics.ts';
import type { Store } from '../../ports/store.ts';
import { concurrencyLimit } from '../../shared/concurrency-limit.ts';
import { KeyedWaiters } from '../../shared/keyed-waiters.ts';
import type { Logger } from '../../shared/log.ts';
import { within } from '../../shared/within.ts';
import type { RunCards } from './RunCards.ts';

export interface CompletionDeps {
  store: Store;
  chat: Pick<ChatPort, 'postNotice' | 'uploadFile'>;
  logs: LogArchive;
  cards: Pick<RunCards, 'whenPosted'>;
  log: Logger;
  metrics: Metrics;
  /** Where the runs' artifacts can be listed; without it none are recorded. */
  artifacts?: ArtifactLister;
  /** Draws and posts a finished run's chart after its notice (absent: no charts). */
  charts?: { afterNotice(run: Run): void };
}

/** Log tails read from disk at once (a restart may owe hundreds of notices). */
const TAILS_AT_ONCE = 8;
/** Whole logs held in memory for upload at once; the chat's queue sends them at its own pace. */
const UPLOADS_AT_ONCE = 4;

/** Nothing is owed for an ended run: its notice went out and its log is uploaded (or needs none). */
export const completed = (run: Run): boolean => run.noticeSent === true && run.logUploaded !== false;

/**
 * What a run owes the chat once it has ended: the completion notice, then its whole log in the
 * card's thread. Each is recorded on the run as soon as it is delivered (`noticeSent`,
 * `logUploaded`), so a restart sends what is missing and never a notice twice. Everything goes
 * through the chat in the background: a backlog never holds up anything else.
 */
export class Completion {
  private readonly working = new Map<string, Promise<void>>();
  private readonly waiters = new KeyedWaiters<Run>();
  /** When the runtime reported each run's end, to measure event → notice latency. */
  private readonly endSeenAt = new Map<string, number>();
  /**
   * Each run as it ended, with its whole metric history, until its notice is sent: the store keeps
   * a coarser history of finished runs, and the chart after the notice is drawn from this one.
   */
  private readonly asEnded = new Map<string, Run>();
  private readonly tails = concurrencyLimit(TAILS_AT_ONCE);
  private readonly uploads = concurrencyLimit(UPLOADS_AT_ONCE);
  private readonly noticeLatency: Histogram;

  constructor(private readonly deps: CompletionDeps) {
    this.noticeLatency = deps.metrics.histogram(
      'trainyard_event_to_notice_seconds',
      'Time from the runtime reporting a run end to its completion notice being handed to the chat',
    );
  }

  /** A run just reached its end state. */
  ended(run: Run): void {
    this.endSeenAt.set(run.id, Date.now());
    this.asEnded.set(run.id, run);
    this.complete(run);
  }

  /** Sends what an ended run still owes, in the background; a run already being completed is left to that. */
  complete(run: Run): void {
    if (this.working.has(run.id)) return;
    const work = this.completeNow(run.id).finally(() => {
      this.working.delete(run.id);
      this.endSeenAt.delete(run.id);
      this.asEnded.delete(run.id);
      const final = this.deps.store.getRun(run.id) ?? run;
      this.waiters.tell(run.id, final);
    });
    this.working.set(run.id, work);
  }

  /** Resolves when the run has ended and its completion is done, or given up until the next start. */
  whenCompleted(runId: string): Promise<Run> {
    const run = this.deps.store.getRun(runId);
    if (!run) return Promise.reject(new Error(`unknown run ${runId}`));
    if (isEnded(run.state) && completed(run) && !this.working.has(runId)) return Promise.resolve(run);
    return this.waiters.wait(runId);
  }

  /** Waits for the completions under way, at most `withinMs` (shutdown: the chat has closed by then). */
  async settle(withinMs: number): Promise<void> {
    await within(withinMs, Promise.allSettled([...this.working.values()]));
  }

  private current(run: Run): Run {
    return this.deps.store.getRun(run.id) ?? run;
  }

  private async completeNow(runId: string): Promise<void> {
    const { store } = this.deps;
    let run = store.getRun(runId);
    if (!run || !isEnded(run.state)) return;
    try {
      if (!run.artifacts && this.deps.artifacts) {
        // Before the notice, which lists them (a pipeline's notice lists its steps' too).
        const artifacts = await this.deps.artifacts.list(runId);
        run = { ...this.current(run), artifacts };
        store.saveRun(run);
      }
      if (!run.noticeSent) {
        if (run.quiet) {
          // Its parent reports for it: there is nothing to post.
          await this.deps.logs.finish(runId);
          store.saveRun({ ...this.current(run), noticeSent: true });
          return;
        }
        if (!(await this.sendNotice(run))) return;
        run = { ...this.current(run), noticeSent: true, logUploaded: false };
        store.saveRun(run);
        // After the notice, never before it: the chart follows when drawn, in the background.
        this.deps.charts?.afterNotice({ ...run, history: this.asEnded.get(runId)?.history ?? run.history });
      }
      if (run.logUploaded !== false) return;
      const ended = run;
      if (await this.uploads.run(() => this.uploadLog(ended))) {
        store.saveRun({ ...this.current(ended), logUploaded: true });
      }
    } catch (err) {
      // A bug, not a delivery problem (the chat never throws for those): record it done rather than loop.
      this.deps.log.error('completion notice failed', { run: runId, err });
      store.saveRun({ ...this.current(run), noticeSent: true, logUploaded: true });
    }
  }

  /** True once the notice is dealt with; false when the chat shut down before sending it. */
  private async sendNotice(run: Run): Promise<boolean> {
    const { logs, chat } = this.deps;
    await this.deps.cards.whenPosted(run.id);
    const tail = await this.tails.run(async () => {
      await logs.flush();
      return logs.tail(run.id, NOTICE_LOG_LINES);
    });
    const sent = await chat.postNotice(this.current(run), tail);
    const seen = this.endSeenAt.get(run.id);
    if (sent && seen !== undefined) this.noticeLatency.observe((Date.now() - seen) / 1000);
    return sent;
  }

  /** True once the whole log is in the card's thread (or there is none to upload). */
  private async uploadLog(ended: Run): Promise<boolean> {
    const { logs, chat } = this.deps;
    await logs.finish(ended.id);
    const full = await logs.read(ended.id);
    const run = this.current(ended);
    if (!full || !run.card) return true;
    return chat.uploadFile(run, `${run.spec.template}-${run.number}.log`, full, `Log of run #${run.number}`);
  }
}

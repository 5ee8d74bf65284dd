import type { Metrics } from '../../../ports/metrics.ts';
import { type BackoffPolicy, backoffDelay } from '../../../shared/backoff.ts';
import type { Logger } from '../../../shared/log.ts';
import { within } from '../../../shared/within.ts';
import { type Budget, type BudgetWindow, BudgetWindows } from './budget-window.ts';
import { type QueueMetrics, queueMetrics } from './queue-metrics.ts';
import { classifySlackError, type SlackFailure } from './slack-error.ts';
import { type Delivery, FAILED, type Job, type OutboundCall, UNSENT, WaitingCalls } from './waiting-calls.ts';

export type { Delivery, OutboundCall };

export interface OutboundQueueOptions {
  log: Logger;
  metrics?: Metrics;
  /** Overrides of DEFAULT_BUDGETS by method. */
  budgets?: Record<string, Budget>;
  /** Share of each budget kept free for priority calls, so a busy channel never delays a final state. */
  priorityReserve?: number;
  /** Added to every window: our clock starts before Slack's, so a call sent exactly one window later could arrive early. */
  safetyMarginMs?: number;
  maxInFlight?: number;
  maxAttempts?: { normal: number; priority: number };
  backoff?: BackoffPolicy;
  classify?: (err: unknown) => SlackFailure;
}

/** How long a shutdown waits for calls already sent to come back. */
const IN_FLIGHT_GRACE_MS = 2_000;

/**
 * The single budget for every Slack Web API call. Calls wait for their method's budget,
 * 429s pause the method for Retry-After, transient failures retry with backoff, card
 * updates coalesce, and priority calls overtake. Calls never reject: a call that cannot be
 * delivered is logged and resolves as such, so a run is never affected by Slack.
 */
export class OutboundQueue {
  private readonly windows: BudgetWindows;
  private readonly waiting = new WaitingCalls();
  private readonly inFlightKeys = new Set<string>();
  /** Calls on the wire per method: a method Slack is slow to answer never takes every slot. */
  private readonly inFlightByMethod = new Map<string, number>();
  private readonly lastSentByKey = new Map<string, number>();
  /** Calls sent and not answered yet. */
  private readonly onWire = new Set<Job>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private pumpScheduled = false;
  private idleWaiters: (() => void)[] = [];
  /** While shutting down: only priority calls are sent; resolved once none waits or is in flight. */
  private draining: (() => void) | undefined;
  private closed = false;
  private readonly metrics: QueueMetrics | undefined;

  constructor(private readonly opts: OutboundQueueOptions) {
    this.windows = new BudgetWindows(opts.budgets, opts.priorityReserve ?? 0.2, opts.safetyMarginMs ?? 1000);
    this.metrics = queueMetrics(opts.metrics, () => this.pending);
  }

  /** Calls waiting or in flight. */
  get pending(): number {
    return this.waiting.size + this.onWire.size;
  }

  /** Queues a call; resolves with its result (a superseded call: its successor's), or undefined if it was not delivered. */
  async enqueue<T>(call: OutboundCall<T>): Promise<T | undefined> {
    const delivery = await this.deliver(call);
    return delivery.status === 'sent' ? delivery.value : undefined;
  }

  /** Like enqueue, but says whether the call was sent, failed for good, or never sent because the queue closed. */
  deliver<T>(call: OutboundCall<T>): Promise<Delivery<T>> {
    if (this.closed) return Promise.resolve(UNSENT);
    return new Promise((resolve) => {
      this.waiting.add(call as OutboundCall<unknown>, resolve as (delivery: Delivery<unknown>) => void);
      this.schedulePump();
    });
  }

  /**
   * Counts a call made outside the coalesced stream as its latest send, e.g. posting a card:
   * the card's first update then waits a full interval like every later one.
   */
  noteSent(coalesceKey: string): void {
    this.lastSentByKey.set(coalesceKey, Date.now());
  }

  /** Resolves once nothing is waiting or in flight. */
  drain(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * For shutdown: from now on only priority calls (final card states, notices, uploads) are sent.
   * Once none waits or is in flight, or `withinMs` has passed, the queue closes; calls already on
   * the wire then get up to `inFlightMs` to come back, so their callers learn they were delivered.
   * Resolves with the calls not known to be delivered: never sent, or sent and never answered
   * (their callers get `unsent`).
   */
  async closeWithin(withinMs: number, inFlightMs = IN_FLIGHT_GRACE_MS): Promise<OutboundCall<unknown>[]> {
    if (this.closed) return [];
    await within(
      withinMs,
      new Promise<void>((resolve) => {
        this.draining = resolve;
        this.checkDrained();
        this.schedulePump();
      }),
    );
    const unsent = this.close();
    await within(inFlightMs, this.drain());
    const unanswered = [...this.onWire];
    for (const job of unanswered) for (const w of job.waiters) w(UNSENT);
    return [...unsent, ...unanswered.map((job) => job.call)];
  }

  /** Drops what is still waiting (each caller gets `unsent`), stops the timers, and returns the dropped calls. */
  close(): OutboundCall<unknown>[] {
    this.closed = true;
    this.draining = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const left = this.waiting.takeAll();
    for (const job of left) for (const w of job.waiters) w(UNSENT);
    this.notifyIdle();
    return left.map((job) => job.call);
  }

  private schedulePump(): void {
    if (this.pumpScheduled || this.closed) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.closed) return;
    const now = Date.now();
    let wakeAt = Number.POSITIVE_INFINITY;
    const maxInFlight = this.opts.maxInFlight ?? 16;
    // Priority calls are looked at first, so a freed slot of a budget always goes to them. While
    // shutting down, ordinary calls wait to be reported as unsent.
    const { priority, normal } = this.waiting;
    for (const list of this.draining ? [priority] : [priority, normal]) {
      for (const job of [...list]) {
        if (this.onWire.size >= maxInFlight) return; // a completion pumps again
        const expiresAt = job.call.expiresAt ?? Number.POSITIVE_INFINITY;
        if (expiresAt <= now) {
          this.waiting.take(job);
          this.drop(job, { method: job.call.method, reason: 'it expired before it could be sent' });
          continue;
        }
        const wait = this.waitMs(job, now);
        if (wait > 0) {
          wakeAt = Math.min(wakeAt, now + wait, expiresAt);
          continue;
        }
        if (wait < 0) continue; // same card already in flight; its completion pumps again
        this.waiting.take(job);
        this.dispatch(job, now);
      }
    }
    this.wakeAt(wakeAt);
  }

  /** >0: wait that long; 0: go now; <0: blocked until another call completes. */
  private waitMs(job: Job, now: number): number {
    const { call } = job;
    if (call.coalesceKey && this.inFlightKeys.has(call.coalesceKey)) return -1;
    if ((this.inFlightByMethod.get(call.method) ?? 0) >= Math.max(1, (this.opts.maxInFlight ?? 16) - 4))
      return -1;
    let wait = Math.max(0, job.notBefore - now);
    if (!call.priority && call.coalesceKey && call.minIntervalMs) {
      const last = this.lastSentByKey.get(call.coalesceKey);
      if (last !== undefined) wait = Math.max(wait, last + call.minIntervalMs - now);
    }
    return Math.max(wait, this.windowFor(call).waitMs(now, call.priority ?? false));
  }

  private wakeAt(at: number): void {
    if (!Number.isFinite(at)) return;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Number.POSITIVE_INFINITY;
        this.pump();
      },
      Math.max(1, at - Date.now()),
    );
  }

  private windowFor(call: OutboundCall<unknown>): BudgetWindow {
    return this.windows.of(call.method, call.channel);
  }

  private dispatch(job: Job, now: number): void {
    const { call } = job;
    if (call.coalesceKey) {
      this.inFlightKeys.add(call.coalesceKey);
      // A priority call is a card's final state: no later update needs spacing, so forget the
      // key and keep the map as small as the number of live cards.
      if (call.priority) this.lastSentByKey.delete(call.coalesceKey);
      else this.lastSentByKey.set(call.coalesceKey, now);
    }
    this.windowFor(call).record(now);
    this.onWire.add(job);
    this.inFlightByMethod.set(call.method, (this.inFlightByMethod.get(call.method) ?? 0) + 1);
    job.attempts++;
    call.send().then(
      (result) => {
        this.metrics?.calls.inc({ method: call.method, outcome: 'ok' });
        this.settle(job);
        for (const w of job.waiters) w({ status: 'sent', value: result });
        this.checkDrained();
      },
      (err: unknown) => {
        this.settle(job);
        this.handleFailure(job, err);
        this.checkDrained();
      },
    );
  }

  private settle(job: Job): void {
    this.onWire.delete(job);
    this.inFlightByMethod.set(job.call.method, (this.inFlightByMethod.get(job.call.method) ?? 1) - 1);
    if (job.call.coalesceKey) this.inFlightKeys.delete(job.call.coalesceKey);
    this.schedulePump();
    this.notifyIdle();
  }

  private handleFailure(job: Job, err: unknown): void {
    const { call } = job;
    const failure = (this.opts.classify ?? classifySlackError)(err);
    const fields = { method: call.method, channel: call.channel, attempt: job.attempts };
    const maxAttempts = this.opts.maxAttempts ?? { normal: 5, priority: 12 };
    if (failure.kind === 'rate-limited') {
      this.metrics?.calls.inc({ method: call.method, outcome: 'rate_limited' });
      this.metrics?.rateLimited.inc({ method: call.method });
      this.windowFor(call).pausedUntil = Date.now() + failure.retryAfterMs;
      this.opts.log.warn('slack rate limited; pausing method', {
        ...fields,
        retryAfterMs: failure.retryAfterMs,
      });
      job.attempts--; // a 429 is not the call's fault; it keeps all its attempts
      this.requeue(job, true);
      return;
    }
    const limit = call.priority ? maxAttempts.priority : maxAttempts.normal;
    if (failure.kind === 'transient' && job.attempts < limit && !this.closed) {
      this.metrics?.calls.inc({ method: call.method, outcome: 'retried' });
      const delay = backoffDelay(job.attempts - 1, this.opts.backoff);
      job.notBefore = Date.now() + delay;
      this.opts.log.info('slack call failed; will retry', {
        ...fields,
        reason: failure.reason,
        delayMs: delay,
      });
      this.requeue(job, false);
      return;
    }
    this.drop(job, { ...fields, reason: failure.reason });
  }

  /** Gives up on a call: logged, counted, and its callers told it failed. */
  private drop(job: Job, fields: Record<string, unknown> & { method: string }): void {
    this.metrics?.calls.inc({ method: fields.method, outcome: 'dropped' });
    this.opts.log.warn('slack call dropped', fields);
    for (const w of job.waiters) w(FAILED);
    this.notifyIdle();
  }

  /** Puts a failed call back in line (or tells its callers it went unsent when the queue has closed). */
  private requeue(job: Job, front: boolean): void {
    if (this.closed) {
      for (const w of job.waiters) w(UNSENT);
      return;
    }
    this.waiting.requeue(job, front);
    this.schedulePump();
  }

  /** Shutting down and no priority call left to send or in flight: the drain is over. */
  private checkDrained(): void {
    if (this.draining && this.waiting.priority.length === 0 && this.onWire.size === 0) this.draining();
  }

  private notifyIdle(): void {
    if (this.pending > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

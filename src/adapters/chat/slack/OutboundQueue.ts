import type { Metrics } from '../../../ports/metrics.ts';
import type { Logger } from '../../../shared/log.ts';
import { classifySlackError, type SlackFailure } from './slack-error.ts';

/**
 * How many calls of one method Slack accepts per window. `workspace` budgets are shared by
 * every call of the method; `channel` budgets are kept per channel (chat.postMessage).
 */
export interface Budget {
  limit: number;
  windowMs: number;
  scope: 'workspace' | 'channel';
}

/** Slack's published tiers for the methods Trainyard calls. */
export const DEFAULT_BUDGETS: Readonly<Record<string, Budget>> = {
  'chat.update': { limit: 50, windowMs: 60_000, scope: 'workspace' }, // Tier 3
  'chat.postMessage': { limit: 60, windowMs: 60_000, scope: 'channel' }, // ≈1 per second per channel
  'chat.postEphemeral': { limit: 100, windowMs: 60_000, scope: 'workspace' }, // Tier 4
  // files.getUploadURLExternal + files.completeUploadExternal (Tier 4 each); budgeted as Tier 3 to stay clear.
  'files.uploadV2': { limit: 50, windowMs: 60_000, scope: 'workspace' },
  // Not a Web API method: a response_url accepts 5 answers in 30 minutes, so the budget only guards bursts.
  response_url: { limit: 100, windowMs: 60_000, scope: 'workspace' },
};
const FALLBACK_BUDGET: Budget = { limit: 20, windowMs: 60_000, scope: 'workspace' }; // Tier 2

/** One Web API call waiting its turn. */
export interface OutboundCall<T> {
  /** Slack method (or `response_url`): picks the budget. */
  method: string;
  /** Needed for per-channel budgets and log lines. */
  channel?: string;
  /** Waiting calls with the same key replace each other (latest wins), e.g. `update:<channel>:<ts>`. */
  coalesceKey?: string;
  /** Final cards and completion notices: sent first, retried longer, never superseded by a non-priority call. */
  priority?: boolean;
  /** Earliest gap after the previous call with the same coalesceKey (priority calls ignore it). */
  minIntervalMs?: number;
  send: () => Promise<T>;
}

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
  backoff?: { baseMs: number; maxMs: number };
  classify?: (err: unknown) => SlackFailure;
}

interface Job {
  call: OutboundCall<unknown>;
  waiters: ((value: unknown) => void)[];
  attempts: number;
  notBefore: number;
}

/** Sliding-window log of one budget: exact, so it agrees with a server that counts the same way. */
class Window {
  private sent: number[] = [];
  pausedUntil = 0;
  constructor(
    readonly budget: Budget,
    private readonly reserve: number,
    private readonly marginMs: number,
  ) {}

  /** Milliseconds until a call of this kind may go (0 = now). */
  waitMs(now: number, priority: boolean): number {
    const span = this.budget.windowMs + this.marginMs;
    while (this.sent.length > 0 && this.sent[0] <= now - span) this.sent.shift();
    if (this.pausedUntil > now) return this.pausedUntil - now;
    const limit = priority ? this.budget.limit : Math.max(1, this.budget.limit - this.reserve);
    if (this.sent.length >= limit) return this.sent[this.sent.length - limit] + span - now;
    if (!priority && this.sent.length > 0) {
      // Spread ordinary calls evenly instead of spending the whole window in one burst.
      const spacing = span / this.budget.limit;
      const since = now - this.sent[this.sent.length - 1];
      if (since < spacing) return spacing - since;
    }
    return 0;
  }

  record(now: number): void {
    this.sent.push(now);
  }
}

/**
 * The single budget for every Slack Web API call. Calls wait for their method's budget,
 * 429s pause the method for Retry-After, transient failures retry with backoff, card
 * updates coalesce, and priority calls overtake. Calls never reject: a call that cannot
 * be delivered resolves to undefined after its reason is logged, so a run is never
 * affected by Slack.
 */
export class OutboundQueue {
  private readonly budgets: Record<string, Budget>;
  private readonly windows = new Map<string, Window>();
  private readonly priority: Job[] = [];
  private readonly normal: Job[] = [];
  private readonly waitingByKey = new Map<string, Job>();
  private readonly inFlightKeys = new Set<string>();
  private readonly lastSentByKey = new Map<string, number>();
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private pumpScheduled = false;
  private idleWaiters: (() => void)[] = [];
  private closed = false;
  private readonly calls;
  private readonly rateLimited;

  constructor(private readonly opts: OutboundQueueOptions) {
    this.budgets = { ...DEFAULT_BUDGETS, ...opts.budgets };
    this.calls = opts.metrics?.counter(
      'trainyard_slack_calls_total',
      'Slack Web API calls by method and outcome',
      ['method', 'outcome'],
    );
    this.rateLimited = opts.metrics?.counter(
      'trainyard_slack_rate_limited_total',
      'Slack 429 answers by method',
      ['method'],
    );
    opts.metrics?.gauge(
      'trainyard_slack_queue_depth',
      'Slack calls waiting in the outbound queue',
      [],
      () => [{ labels: {}, value: this.pending }],
    );
  }

  /** Calls waiting or in flight. */
  get pending(): number {
    return this.priority.length + this.normal.length + this.inFlight;
  }

  /** Queues a call; resolves with its result, or undefined if it was superseded or could not be delivered. */
  enqueue<T>(call: OutboundCall<T>): Promise<T | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const waiter = resolve as (value: unknown) => void;
      const existing = call.coalesceKey ? this.waitingByKey.get(call.coalesceKey) : undefined;
      if (existing) {
        // Latest wins, except over a waiting final state: end states never change back, so a
        // non-priority call after one is stale.
        if (call.priority || !existing.call.priority) existing.call = call as OutboundCall<unknown>;
        existing.waiters.push(waiter);
        if (existing.call.priority && this.remove(this.normal, existing)) this.priority.push(existing);
      } else {
        const job: Job = {
          call: call as OutboundCall<unknown>,
          waiters: [waiter],
          attempts: 0,
          notBefore: 0,
        };
        if (call.coalesceKey) this.waitingByKey.set(call.coalesceKey, job);
        (call.priority ? this.priority : this.normal).push(job);
      }
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

  /** Drops what is still waiting (each resolves to undefined) and stops the timers. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const job of [...this.priority, ...this.normal]) for (const w of job.waiters) w(undefined);
    this.priority.length = 0;
    this.normal.length = 0;
    this.waitingByKey.clear();
    this.notifyIdle();
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
    // Priority calls are looked at first, so a freed slot of a budget always goes to them.
    for (const list of [this.priority, this.normal]) {
      for (const job of [...list]) {
        if (this.inFlight >= maxInFlight) return; // a completion pumps again
        const wait = this.waitMs(job, now);
        if (wait > 0) {
          wakeAt = Math.min(wakeAt, now + wait);
          continue;
        }
        if (wait < 0) continue; // same card already in flight; its completion pumps again
        this.remove(list, job);
        this.dispatch(job, now);
      }
    }
    this.wakeAt(wakeAt);
  }

  /** >0: wait that long; 0: go now; <0: blocked until another call completes. */
  private waitMs(job: Job, now: number): number {
    const { call } = job;
    if (call.coalesceKey && this.inFlightKeys.has(call.coalesceKey)) return -1;
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

  private windowFor(call: OutboundCall<unknown>): Window {
    const budget = this.budgets[call.method] ?? FALLBACK_BUDGET;
    const id = budget.scope === 'channel' ? `${call.method}:${call.channel ?? ''}` : call.method;
    let w = this.windows.get(id);
    if (!w) {
      const reserve = Math.ceil(budget.limit * (this.opts.priorityReserve ?? 0.2));
      w = new Window(budget, reserve, this.opts.safetyMarginMs ?? 1000);
      this.windows.set(id, w);
    }
    return w;
  }

  private dispatch(job: Job, now: number): void {
    const { call } = job;
    if (call.coalesceKey) {
      this.waitingByKey.delete(call.coalesceKey);
      this.inFlightKeys.add(call.coalesceKey);
      // A priority call is a card's final state: no later update needs spacing, so forget the
      // key and keep the map as small as the number of live cards.
      if (call.priority) this.lastSentByKey.delete(call.coalesceKey);
      else this.lastSentByKey.set(call.coalesceKey, now);
    }
    this.windowFor(call).record(now);
    this.inFlight++;
    job.attempts++;
    call.send().then(
      (result) => {
        this.calls?.inc({ method: call.method, outcome: 'ok' });
        this.settle(job);
        for (const w of job.waiters) w(result);
      },
      (err: unknown) => {
        this.settle(job);
        this.handleFailure(job, err);
      },
    );
  }

  private settle(job: Job): void {
    this.inFlight--;
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
      this.calls?.inc({ method: call.method, outcome: 'rate_limited' });
      this.rateLimited?.inc({ method: call.method });
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
      this.calls?.inc({ method: call.method, outcome: 'retried' });
      const { baseMs, maxMs } = this.opts.backoff ?? { baseMs: 500, maxMs: 30_000 };
      const delay = Math.min(maxMs, baseMs * 2 ** (job.attempts - 1)) * (0.5 + Math.random() / 2);
      job.notBefore = Date.now() + delay;
      this.opts.log.info('slack call failed; will retry', {
        ...fields,
        reason: failure.reason,
        delayMs: Math.round(delay),
      });
      this.requeue(job, false);
      return;
    }
    this.calls?.inc({ method: call.method, outcome: 'dropped' });
    this.opts.log.warn('slack call dropped', { ...fields, reason: failure.reason });
    for (const w of job.waiters) w(undefined);
  }

  /** Puts a failed call back; if a newer call for the same card arrived meanwhile, that one wins. */
  private requeue(job: Job, front: boolean): void {
    if (this.closed) {
      for (const w of job.waiters) w(undefined);
      return;
    }
    const key = job.call.coalesceKey;
    const newer = key ? this.waitingByKey.get(key) : undefined;
    if (newer) {
      newer.waiters.push(...job.waiters);
      if (job.call.priority && !newer.call.priority) {
        newer.call = job.call;
        if (this.remove(this.normal, newer)) this.priority.unshift(newer);
      }
      this.schedulePump();
      return;
    }
    if (key) this.waitingByKey.set(key, job);
    const list = job.call.priority ? this.priority : this.normal;
    if (front) list.unshift(job);
    else list.push(job);
    this.schedulePump();
  }

  private remove(list: Job[], job: Job): boolean {
    const i = list.indexOf(job);
    if (i >= 0) list.splice(i, 1);
    return i >= 0;
  }

  private notifyIdle(): void {
    if (this.pending > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

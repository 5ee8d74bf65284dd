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
  /**
   * When the call is worth nothing any more (ms since epoch): one still waiting then is dropped as
   * failed, e.g. views.open, whose trigger_id Slack accepts for 3 s only.
   */
  expiresAt?: number;
  send: () => Promise<T>;
}

/**
 * What became of a call: `sent` with Slack's answer; `failed` when Slack refused it for good or
 * retrying gave up (logged); `unsent` when the queue closed before the call could go, so the
 * caller may keep it for later (e.g. a notice sent after the next start).
 */
export type Delivery<T> = { status: 'sent'; value: T } | { status: 'failed' } | { status: 'unsent' };

export const FAILED: Delivery<never> = { status: 'failed' };
export const UNSENT: Delivery<never> = { status: 'unsent' };

export type Waiter = (delivery: Delivery<unknown>) => void;

/** A call and everyone waiting for its answer (callers whose calls it superseded too). */
export interface Job {
  call: OutboundCall<unknown>;
  waiters: Waiter[];
  attempts: number;
  notBefore: number;
}

/**
 * The calls waiting their turn: priority calls in a line of their own ahead of the rest, and at
 * most one waiting call per coalesce key (a card's latest state).
 */
export class WaitingCalls {
  readonly priority: Job[] = [];
  readonly normal: Job[] = [];
  private readonly byKey = new Map<string, Job>();

  get size(): number {
    return this.priority.length + this.normal.length;
  }

  /** Adds a call; a waiting call with the same key is replaced by it (latest wins). */
  add(call: OutboundCall<unknown>, waiter: Waiter): void {
    const existing = call.coalesceKey ? this.byKey.get(call.coalesceKey) : undefined;
    if (existing) {
      // Latest wins, except over a waiting final state: end states never change back, so a
      // non-priority call after one is stale.
      if (call.priority || !existing.call.priority) existing.call = call;
      existing.waiters.push(waiter);
      if (existing.call.priority && remove(this.normal, existing)) this.priority.push(existing);
      return;
    }
    const job: Job = { call, waiters: [waiter], attempts: 0, notBefore: 0 };
    if (call.coalesceKey) this.byKey.set(call.coalesceKey, job);
    (call.priority ? this.priority : this.normal).push(job);
  }

  /** Puts a failed call back; if a newer call for the same card arrived meanwhile, that one wins. */
  requeue(job: Job, front: boolean): void {
    const key = job.call.coalesceKey;
    const newer = key ? this.byKey.get(key) : undefined;
    if (newer) {
      newer.waiters.push(...job.waiters);
      if (job.call.priority && !newer.call.priority) {
        newer.call = job.call;
        if (remove(this.normal, newer)) this.priority.unshift(newer);
      }
      return;
    }
    if (key) this.byKey.set(key, job);
    const list = job.call.priority ? this.priority : this.normal;
    if (front) list.unshift(job);
    else list.push(job);
  }

  /** Takes a job out to send it. */
  take(job: Job): void {
    if (!remove(this.priority, job)) remove(this.normal, job);
    if (job.call.coalesceKey) this.byKey.delete(job.call.coalesceKey);
  }

  /** Empties both lines and returns what was in them. */
  takeAll(): Job[] {
    const all = [...this.priority, ...this.normal];
    this.priority.length = 0;
    this.normal.length = 0;
    this.byKey.clear();
    return all;
  }
}

function remove(list: Job[], job: Job): boolean {
  const i = list.indexOf(job);
  if (i >= 0) list.splice(i, 1);
  return i >= 0;
}

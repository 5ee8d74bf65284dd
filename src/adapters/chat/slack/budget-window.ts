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
  // Forms and Home tabs (Tier 4 each). A form's trigger_id is good for 3 s: its views.open goes as a priority call.
  'views.open': { limit: 100, windowMs: 60_000, scope: 'workspace' },
  'views.update': { limit: 100, windowMs: 60_000, scope: 'workspace' },
  'views.publish': { limit: 100, windowMs: 60_000, scope: 'workspace' },
  // Not a Web API method: a response_url accepts 5 answers in 30 minutes, so the budget only guards bursts.
  response_url: { limit: 100, windowMs: 60_000, scope: 'workspace' },
};
const FALLBACK_BUDGET: Budget = { limit: 20, windowMs: 60_000, scope: 'workspace' }; // Tier 2

/** Sliding-window log of one budget: exact, so it agrees with a server that counts the same way. */
export class BudgetWindow {
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

/** The windows of every budget in use: one per method, or per method and channel. */
export class BudgetWindows {
  private readonly budgets: Record<string, Budget>;
  private readonly windows = new Map<string, BudgetWindow>();

  constructor(
    overrides: Record<string, Budget> | undefined,
    /** Share of each budget kept for priority calls. */
    private readonly reserveShare: number,
    private readonly marginMs: number,
  ) {
    this.budgets = { ...DEFAULT_BUDGETS, ...overrides };
  }

  of(method: string, channel: string | undefined): BudgetWindow {
    const budget = this.budgets[method] ?? FALLBACK_BUDGET;
    const id = budget.scope === 'channel' ? `${method}:${channel ?? ''}` : method;
    let w = this.windows.get(id);
    if (!w) {
      w = new BudgetWindow(budget, Math.ceil(budget.limit * this.reserveShare), this.marginMs);
      this.windows.set(id, w);
    }
    return w;
  }
}

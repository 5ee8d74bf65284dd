/**
 * Keys seen within the last `ttlMs`: how the Slack adapter recognises a delivery Slack
 * retried (same trigger_id) or a button pressed twice in a row. Bounded, so a flood of
 * distinct keys cannot grow memory without limit.
 */
export class RecentKeys {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** True the first time a key is offered within the window; false for repeats. */
  firstTime(key: string, now = Date.now()): boolean {
    this.forgetOlderThan(now - this.ttlMs);
    const at = this.seen.get(key);
    if (at !== undefined) return false;
    this.seen.set(key, now);
    if (this.seen.size > this.maxKeys) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return true;
  }

  private forgetOlderThan(cutoff: number): void {
    // Map keeps insertion order, which is time order here, so stop at the first fresh key.
    for (const [key, at] of this.seen) {
      if (at > cutoff) break;
      this.seen.delete(key);
    }
  }
}

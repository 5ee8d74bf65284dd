/**
 * Runs `pass(key)` whenever a key is poked, one pass at a time per key: pokes that come while a
 * pass runs merge into one more pass after it, so a burst of changes costs at most two passes and
 * no two passes of one key ever overlap. Passes of different keys run side by side.
 */
export class SerialPasses<K> {
  private readonly running = new Map<K, { again: boolean; done: Promise<void> }>();
  /** Pokes asked for a little later (see pokeSoon). */
  private readonly soon = new Map<K, NodeJS.Timeout>();

  constructor(
    private readonly pass: (key: K) => Promise<void>,
    private readonly onError: (key: K, err: unknown) => void,
  ) {}

  poke(key: K): void {
    // A pass now reads everything a later poke would have: the later one is not needed.
    const later = this.soon.get(key);
    if (later) {
      clearTimeout(later);
      this.soon.delete(key);
    }
    const current = this.running.get(key);
    if (current) {
      current.again = true;
      return;
    }
    const state = { again: true, done: Promise.resolve() };
    this.running.set(key, state);
    state.done = (async () => {
      while (state.again) {
        state.again = false;
        try {
          await this.pass(key);
        } catch (err) {
          // A failing pass must not end the loop's bookkeeping; the next poke tries again.
          this.onError(key, err);
        }
      }
      this.running.delete(key);
    })();
  }

  /**
   * A poke within `ms`: every pokeSoon of a key in that time is one pass (a burst of small changes,
   * such as metrics from many logs, costs one pass rather than one each).
   */
  pokeSoon(key: K, ms: number): void {
    if (this.soon.has(key)) return;
    this.soon.set(
      key,
      setTimeout(() => {
        this.soon.delete(key);
        this.poke(key);
      }, ms),
    );
  }

  /** Drops the pokes asked for later (shutting down). */
  stop(): void {
    for (const timer of this.soon.values()) clearTimeout(timer);
    this.soon.clear();
  }

  /** Resolves once no pass is running or due (passes may poke more keys meanwhile). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running.values()].map((s) => s.done));
  }
}

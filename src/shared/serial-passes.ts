/**
 * Runs `pass(key)` whenever a key is poked, one pass at a time per key: pokes that come while a
 * pass runs merge into one more pass after it, so a burst of changes costs at most two passes and
 * no two passes of one key ever overlap. Passes of different keys run side by side.
 */
export class SerialPasses<K> {
  private readonly running = new Map<K, { again: boolean; done: Promise<void> }>();

  constructor(
    private readonly pass: (key: K) => Promise<void>,
    private readonly onError: (key: K, err: unknown) => void,
  ) {}

  poke(key: K): void {
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

  /** Resolves once no pass is running or due (passes may poke more keys meanwhile). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running.values()].map((s) => s.done));
  }
}

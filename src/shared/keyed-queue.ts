/**
 * Work queued per key runs one item after another (a schedule's fires, a pipeline's decisions);
 * different keys run side by side. A failure is reported to `onError` by the queue, and never
 * reaches the items queued after it.
 */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<void>>();

  constructor(private readonly onError: (key: string, error: unknown) => void) {}

  /** Runs `work` after everything queued for `key`; its own result (or failure) is returned. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const result = (this.#tails.get(key) ?? Promise.resolve()).then(work);
    const tail: Promise<void> = result
      .then(
        () => undefined,
        (error: unknown) => this.onError(key, error),
      )
      .finally(() => {
        if (this.#tails.get(key) === tail) this.#tails.delete(key);
      });
    this.#tails.set(key, tail);
    return result;
  }

  /** Nothing is queued or running. */
  get empty(): boolean {
    return this.#tails.size === 0;
  }

  /** Resolves once everything queued so far is done (items it queued meanwhile included). */
  async idle(): Promise<void> {
    while (this.#tails.size) await Promise.all(this.#tails.values());
  }
}

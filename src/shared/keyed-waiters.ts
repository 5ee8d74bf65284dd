/** Callers waiting for something to happen to one thing (a run, sweep or pipeline ending), by its id. */
export class KeyedWaiters<T> {
  readonly #waiting = new Map<string, ((value: T) => void)[]>();

  /** Resolves when `tell` is called for the key. */
  wait(key: string): Promise<T> {
    return new Promise((resolve) => {
      const waiting = this.#waiting.get(key);
      if (waiting) waiting.push(resolve);
      else this.#waiting.set(key, [resolve]);
    });
  }

  /** Tells everyone waiting for the key, once. */
  tell(key: string, value: T): void {
    const waiting = this.#waiting.get(key);
    this.#waiting.delete(key);
    for (const resolve of waiting ?? []) resolve(value);
  }
}

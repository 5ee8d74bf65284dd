/**
 * The listeners of one kind of event. Each is told in its own try: one that throws is handed to
 * `onError` and never keeps the listeners after it from hearing. Each add is its own entry, so
 * adding one function twice needs two removes.
 */
export class Listeners<T> {
  readonly #entries = new Set<(value: T) => void>();

  /** Adds a listener; call what it returns to remove it. */
  add(listener: (value: T) => void): () => void {
    const entry = (value: T) => listener(value);
    this.#entries.add(entry);
    return () => {
      this.#entries.delete(entry);
    };
  }

  /** Tells every listener (those added meanwhile wait for the next time). */
  tell(value: T, onError: (err: unknown) => void): void {
    for (const listener of [...this.#entries]) {
      try {
        listener(value);
      } catch (err) {
        onError(err);
      }
    }
  }
}

import { performance } from 'node:perf_hooks';

/**
 * At most one write per interval however many changes: a change marks the state dirty and starts
 * the interval timer unless a write is already waiting or running; a write that fails leaves the
 * state dirty, so the next one retries it.
 */
export class CoalescedWrites {
  readonly #write: () => Promise<void>;
  readonly #intervalMs: number;
  readonly #onError: (error: Error) => void;
  #dirty = false;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;
  #error: Error | undefined;
  #stopped = false;
  /** Writes done, and how long the last one took (ms). */
  writes = 0;
  lastWriteMs = 0;

  constructor(write: () => Promise<void>, opts: { intervalMs: number; onError: (error: Error) => void }) {
    this.#write = write;
    this.#intervalMs = opts.intervalMs;
    this.#onError = opts.onError;
  }

  changed(): void {
    this.#dirty = true;
    this.#schedule();
  }

  /** Writes pending changes now and waits; returns the error of the last write, if it failed. */
  async flush(): Promise<Error | undefined> {
    // A write under way may have begun before the latest changes, and another flush may start the
    // next one while this waits: wait until no write is under way, then write what is left.
    // Checked in the same turn as the write ends (not through settled(), a turn later), or a
    // flush that started the next write in between would be missed.
    while (this.#writing) await this.#writing;
    if (this.#dirty) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      await this.#writeNow();
    }
    return this.#error;
  }

  /** Resolves once no write is under way (pending changes stay pending). */
  async settled(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  /** No more timed writes (flush still writes). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    if (this.#stopped || this.#timer || this.#writing) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#writeNow();
    }, this.#intervalMs);
  }

  #writeNow(): Promise<void> {
    this.#dirty = false;
    const started = performance.now();
    this.#writing = this.#write()
      .then(() => {
        this.writes++;
        this.#error = undefined;
      })
      .catch((error: Error) => {
        this.#dirty = true;
        this.#error = error;
        this.#onError(error);
      })
      .finally(() => {
        this.lastWriteMs = performance.now() - started;
        this.#writing = undefined;
        if (this.#dirty) this.#schedule();
      });
    return this.#writing;
  }
}

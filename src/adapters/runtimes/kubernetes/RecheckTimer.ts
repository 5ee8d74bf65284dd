/**
 * One timer for many deadlines (an image pull's grace, a run's end waiting for its log): it is
 * armed for the earliest, and `onDue` is called for each key whose time has come, so the number of
 * timers does not grow with the number of runs.
 */
export class RecheckTimer<K> {
  private readonly due = new Map<K, number>();
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Number.POSITIVE_INFINITY;

  constructor(private readonly onDue: (key: K) => void) {}

  /** Looks at `key` again at `at` (ms since the epoch); undefined forgets it. */
  set(key: K, at: number | undefined): void {
    if (at === undefined) this.due.delete(key);
    else this.due.set(key, at);
    this.arm();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    this.due.clear();
  }

  private arm(): void {
    let earliest = Number.POSITIVE_INFINITY;
    for (const at of this.due.values()) earliest = Math.min(earliest, at);
    if (earliest === this.armedFor) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = earliest;
    if (earliest === Number.POSITIVE_INFINITY) return;
    this.timer = setTimeout(() => this.fire(), Math.max(0, earliest - Date.now()));
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    const now = Date.now();
    for (const [key, at] of [...this.due]) {
      if (at > now) continue;
      // Forgotten first: onDue sets a new time if the key still needs one.
      this.due.delete(key);
      this.onDue(key);
    }
    this.arm();
  }
}

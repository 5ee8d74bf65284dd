/** Something that wakes the scheduler at a given moment. Injectable so tests can drive time by hand. */
export interface Timer {
  /** Replaces any pending wake-up with one at `at` (at once if `at` has passed). */
  arm(at: Date): void;
  cancel(): void;
}

/** setTimeout takes at most 2^31-1 ms (~24.8 days); longer waits are done in steps. */
const LONGEST_WAIT_MS = 24 * 3_600_000;

/** A Timer on setTimeout, measuring the wait against `now` (the scheduler's clock). */
export class FireTimer implements Timer {
  private handle: NodeJS.Timeout | undefined;

  constructor(
    private readonly onDue: () => void,
    private readonly now: () => Date = () => new Date(),
  ) {}

  arm(at: Date): void {
    this.cancel();
    const wait = at.getTime() - this.now().getTime();
    if (wait > LONGEST_WAIT_MS) {
      this.handle = setTimeout(() => this.arm(at), LONGEST_WAIT_MS);
    } else {
      this.handle = setTimeout(
        () => {
          this.handle = undefined;
          this.onDue();
        },
        Math.max(0, wait),
      );
    }
  }

  cancel(): void {
    if (this.handle) clearTimeout(this.handle);
    this.handle = undefined;
  }
}

import type { Timer } from '../../src/services/scheduler/FireTimer.ts';

/**
 * A clock the test moves by hand, and timers that go off only when it passes their time:
 * the scheduler's wake-ups become deterministic.
 */
export class ManualClock {
  private current: Date;
  private readonly timers = new Set<ManualTimer>();

  constructor(start: string) {
    this.current = new Date(start);
  }

  readonly now = (): Date => new Date(this.current);

  readonly createTimer = (onDue: () => void): Timer => {
    const timer = new ManualTimer(onDue);
    this.timers.add(timer);
    return timer;
  };

  /**
   * Moves the clock to `to`, waking every timer due on the way in time order; `settle`
   * (e.g. the scheduler's idle) runs after each wake-up, while the clock still shows its time.
   */
  async advanceTo(to: string | Date, settle: () => Promise<void> = async () => {}): Promise<void> {
    const target = new Date(to).getTime();
    while (true) {
      const due = [...this.timers]
        .filter((t) => t.at !== undefined && t.at <= target)
        .sort((a, b) => (a.at ?? 0) - (b.at ?? 0))[0];
      if (!due || due.at === undefined) break;
      this.current = new Date(Math.max(this.current.getTime(), due.at));
      due.fire();
      await settle();
    }
    this.current = new Date(target);
  }

  /**
   * Jumps to `to` as a suspended laptop or a stalled process would: nothing fires on the
   * way; every timer that is due by then goes off once the clock shows `to`.
   */
  async jumpTo(to: string | Date, settle: () => Promise<void> = async () => {}): Promise<void> {
    this.current = new Date(to);
    for (const timer of [...this.timers].filter(
      (t) => t.at !== undefined && t.at <= this.current.getTime(),
    )) {
      timer.fire();
      await settle();
    }
  }

  /** When each armed timer would go off, for assertions. */
  armed(): Date[] {
    return [...this.timers].flatMap((t) => (t.at === undefined ? [] : [new Date(t.at)]));
  }
}

class ManualTimer implements Timer {
  at: number | undefined;
  constructor(private readonly onDue: () => void) {}
  arm(at: Date): void {
    this.at = at.getTime();
  }
  cancel(): void {
    this.at = undefined;
  }
  fire(): void {
    this.at = undefined;
    this.onDue();
  }
}

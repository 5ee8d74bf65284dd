/** The last N log lines of a run, in a fixed-size ring, so memory stays bounded however long it runs. */
export class LineTail {
  private readonly ring: string[] = [];
  private next = 0;

  constructor(
    private readonly capacity: number,
    /** Longer lines are cut; a runaway line must not hold megabytes. */
    private readonly maxLineLength = 2000,
  ) {}

  push(lines: string[]): void {
    for (const raw of lines) {
      const line = raw.length > this.maxLineLength ? `${raw.slice(0, this.maxLineLength)}…` : raw;
      if (this.ring.length < this.capacity) this.ring.push(line);
      else this.ring[this.next] = line;
      this.next = (this.next + 1) % this.capacity;
    }
  }

  /** The last `n` lines, oldest first. */
  last(n: number): string[] {
    const ordered =
      this.ring.length < this.capacity
        ? this.ring
        : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
    return n >= ordered.length ? [...ordered] : ordered.slice(ordered.length - n);
  }
}

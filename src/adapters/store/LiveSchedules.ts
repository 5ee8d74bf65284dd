import type { Schedule } from '../../core/schedule/schedule.ts';

/**
 * Schedules in the live file, by name. Each is stored as a copy and handed out as one, so its
 * JSON is encoded once: with 1,000 schedules a write gathers bytes instead of encoding them all.
 */
export class LiveSchedules {
  readonly #byName = new Map<string, Schedule>();
  readonly #lines = new WeakMap<Schedule, Buffer>();

  get size(): number {
    return this.#byName.size;
  }

  list(): Schedule[] {
    return [...this.#byName.values()].sort((a, b) => a.name.localeCompare(b.name)).map((s) => ({ ...s }));
  }

  get(name: string): Schedule | undefined {
    const schedule = this.#byName.get(name);
    return schedule && { ...schedule };
  }

  save(schedule: Schedule): void {
    this.#byName.set(schedule.name, { ...schedule });
  }

  delete(name: string): boolean {
    return this.#byName.delete(name);
  }

  /** The runs schedules started last: they stay live, so `schedules` shows their result. */
  lastRunIds(): Set<string> {
    const ids = new Set<string>();
    for (const schedule of this.#byName.values()) if (schedule.lastRunId) ids.add(schedule.lastRunId);
    return ids;
  }

  /** Each schedule's JSON, UTF-8. */
  lines(): Buffer[] {
    return [...this.#byName.values()].map((schedule) => {
      let line = this.#lines.get(schedule);
      if (line === undefined) {
        line = Buffer.from(JSON.stringify(schedule));
        this.#lines.set(schedule, line);
      }
      return line;
    });
  }
}

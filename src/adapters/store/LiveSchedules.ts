import type { Schedule } from '../../core/schedule/schedule.ts';

/**
 * Schedules in the live file, by name. Each is stored as a copy and handed out as one, so its
 * JSON is computed once: with 1,000 schedules a write joins lines instead of encoding them all.
 */
export class LiveSchedules {
  readonly #byName = new Map<string, Schedule>();
  readonly #json = new WeakMap<Schedule, string>();

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

  lines(): string[] {
    return [...this.#byName.values()].map((schedule) => {
      let json = this.#json.get(schedule);
      if (json === undefined) {
        json = JSON.stringify(schedule);
        this.#json.set(schedule, json);
      }
      return json;
    });
  }
}

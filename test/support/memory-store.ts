import { isEnded, type Run } from '../../src/core/run/run.ts';
import type { Schedule } from '../../src/core/schedule/schedule.ts';
import type { Store } from '../../src/ports/store.ts';

/**
 * A Store kept in memory. Values are copied in and out, as a real store would, so a test
 * never passes because two parts shared an object.
 */
export class MemoryStore implements Store {
  private runs = new Map<string, Run>();
  private schedules = new Map<string, Schedule>();
  private keys = new Set<string>();
  private runNumber = 1;

  nextRunNumber(): number {
    return this.runNumber++;
  }
  getRun(id: string): Run | undefined {
    return copy(this.runs.get(id));
  }
  getRunByNumber(n: number): Run | undefined {
    return copy([...this.runs.values()].find((r) => r.number === n));
  }
  async loadRun(id: string): Promise<Run | undefined> {
    return this.getRun(id);
  }
  async loadRunByNumber(n: number): Promise<Run | undefined> {
    return this.getRunByNumber(n);
  }
  listRuns(filter: { active?: boolean; limit?: number } = {}): Run[] {
    let runs = [...this.runs.values()].sort((a, b) => b.number - a.number);
    if (filter.active) runs = runs.filter((r) => !isEnded(r.state));
    if (filter.limit !== undefined) runs = runs.slice(0, filter.limit);
    return runs.map((r) => structuredClone(r));
  }
  saveRun(run: Run): void {
    this.runs.set(run.id, structuredClone(run));
  }
  listSchedules(): Schedule[] {
    return [...this.schedules.values()].map((s) => structuredClone(s));
  }
  getSchedule(name: string): Schedule | undefined {
    return copy(this.schedules.get(name));
  }
  saveSchedule(schedule: Schedule): void {
    this.schedules.set(schedule.name, structuredClone(schedule));
  }
  deleteSchedule(name: string): boolean {
    return this.schedules.delete(name);
  }
  claimOnce(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    return true;
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

function copy<T>(value: T | undefined): T | undefined {
  return value === undefined ? undefined : structuredClone(value);
}

import { pipelineKind, sweepKind } from '../../src/adapters/store/group-kinds.ts';
import type { PipelineRun } from '../../src/core/pipeline/pipeline-run.ts';
import { isEnded, type Run } from '../../src/core/run/run.ts';
import type { Schedule } from '../../src/core/schedule/schedule.ts';
import type { Sweep } from '../../src/core/sweep/sweep.ts';
import type { RunQuery, Store } from '../../src/ports/store.ts';
import { MemoryGroupRecords } from './memory-group-records.ts';

/**
 * A Store kept in memory, with no history tier: every run stays "live". Values are copied in and
 * out, as a real store would, so a test never passes because two parts shared an object.
 * test/adapters/store/store-contract.test.ts holds it to the same behaviours as FileStore.
 */
export class MemoryStore implements Store {
  private runs = new Map<string, Run>();
  private schedules = new Map<string, Schedule>();
  private keys = new Set<string>();
  private runNumber = 1;
  readonly sweeps = new MemoryGroupRecords<Sweep>(sweepKind, (n) => this.numberUsed(n));
  readonly pipelines = new MemoryGroupRecords<PipelineRun>(pipelineKind, (n) => this.numberUsed(n));

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
    if (filter.active !== undefined) runs = runs.filter((r) => isEnded(r.state) !== filter.active);
    if (filter.limit !== undefined) runs = runs.slice(0, filter.limit);
    return runs.map((r) => structuredClone(r));
  }
  async loadRuns(query: RunQuery): Promise<Run[]> {
    return [...this.runs.values()]
      .filter((r) => query.launchedBy === undefined || r.launchedBy === query.launchedBy)
      .filter((r) => query.ended === undefined || isEnded(r.state) === query.ended)
      .filter((r) => query.before === undefined || r.number < query.before)
      .sort((a, b) => b.number - a.number)
      .slice(0, query.limit)
      .map((r) => structuredClone(r));
  }
  saveRun(run: Run): void {
    this.runs.set(run.id, structuredClone(run));
    this.numberUsed(run.number);
  }
  /** A number saved (e.g. imported, or a group's) is never handed out later, whatever its kind. */
  private numberUsed(n: number): void {
    if (n >= this.runNumber) this.runNumber = n + 1;
  }
  listSchedules(): Schedule[] {
    return [...this.schedules.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((s) => structuredClone(s));
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

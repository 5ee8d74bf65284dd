import type { Run } from '../core/run/run.ts';
import type { Schedule } from '../core/schedule/schedule.ts';

/**
 * The bot's memory of the conversation: runs (which card belongs to which run) and schedules.
 * Reads are synchronous from memory; writes are coalesced and written atomically in the background.
 * Implementation: FileStore (lowdb, TRAINYARD_DATA/trainyard.json).
 */
export interface Store {
  /** Reserves the next short run number. */
  nextRunNumber(): number;
  getRun(id: string): Run | undefined;
  getRunByNumber(n: number): Run | undefined;
  /**
   * Like getRun/getRunByNumber, but also reaches finished runs that are no longer kept in
   * memory (older history). For lookups people ask for: status, logs, rerun, lineage.
   */
  loadRun(id: string): Promise<Run | undefined>;
  loadRunByNumber(n: number): Promise<Run | undefined>;
  /** Newest first. */
  listRuns(filter?: { active?: boolean; limit?: number }): Run[];
  /** Inserts or replaces (by id) and schedules a write. */
  saveRun(run: Run): void;
  listSchedules(): Schedule[];
  getSchedule(name: string): Schedule | undefined;
  saveSchedule(schedule: Schedule): void;
  deleteSchedule(name: string): boolean;
  /**
   * Remembers an idempotency key (Slack retry, button press) for a while.
   * Returns false if it was already seen: the caller must then do nothing.
   */
  claimOnce(key: string): boolean;
  /** Writes pending changes now. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

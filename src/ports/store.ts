import type { PipelineRun } from '../core/pipeline/pipeline-run.ts';
import type { Run } from '../core/run/run.ts';
import type { Schedule } from '../core/schedule/schedule.ts';
import type { Sweep } from '../core/sweep/sweep.ts';

/** Which runs loadRuns returns. */
export interface RunQuery {
  /** Only runs launched by this user. */
  launchedBy?: string;
  /** true: ended runs only; false: runs not ended only. */
  ended?: boolean;
  /** Only runs numbered below this, to page back through history. */
  before?: number;
  limit: number;
}

/**
 * Records that follow a group of runs: sweeps and pipelines. Their numbers come from the run
 * sequence (Store.nextRunNumber), so `#57` names one thing. The same two tiers as runs: live
 * records in memory (get, getByNumber, list); settled ones (ended, notice sent, and not marked
 * `cardStale: true`) move to history once newer ones have, and load, loadByNumber and loadNewest
 * reach them there. Values, as runs are: saved as a copy, handed out as copies. Fields the store
 * does not know are kept as they are.
 */
export interface GroupRecords<T> {
  get(id: string): T | undefined;
  getByNumber(n: number): T | undefined;
  load(id: string): Promise<T | undefined>;
  loadByNumber(n: number): Promise<T | undefined>;
  /** Newest first, over the live document only; `active: true` gives those not ended. */
  list(filter?: { active?: boolean; limit?: number }): T[];
  /** Newest first, live and history merged: someone's latest, paging back with `before`. */
  loadNewest(query: { owner?: string; before?: number; limit: number }): Promise<T[]>;
  /**
   * Inserts or replaces (by id) and schedules a write; one found only in history comes back live.
   * Its number is never handed out by nextRunNumber afterwards. Throws (a bug in the caller) when
   * the record lacks what the store files it by: id, number, launchedBy, its state.
   */
  save(record: T): void;
}

/**
 * The bot's memory of the conversation: runs (which card belongs to which run) and schedules.
 *
 * Two tiers. The live document holds every run that is not settled (not ended, or ended with
 * something still owed to the chat: its notice, its log upload, a stale card), the run each
 * schedule started last, and the newest few hundred settled runs; it is in memory, so getRun,
 * getRunByNumber and listRuns are synchronous and see only it. Older runs are history: loadRun,
 * loadRunByNumber and loadRuns reach them too.
 * Writes are coalesced and written atomically in the background.
 *
 * Runs and schedules are values: the store keeps its own copy of what is saved and hands out
 * copies, and nested parts (spec, metrics, history) are never changed in place by anyone.
 * Implementation: FileStore (lowdb live file TRAINYARD_DATA/trainyard.json + history segments).
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
  /**
   * Newest first, over the live document only (see above): enough for `list`, recovery at start
   * and counting active runs. `active: true` gives the runs not ended, `false` the ended ones.
   */
  listRuns(filter?: { active?: boolean; limit?: number }): Run[];
  /**
   * Newest first, live and history merged, reading only the runs it returns: a user's latest
   * results (Home tab), paging back through old runs.
   */
  loadRuns(query: RunQuery): Promise<Run[]>;
  /** Inserts or replaces (by id) and schedules a write. A run found only in history comes back live. */
  saveRun(run: Run): void;
  readonly sweeps: GroupRecords<Sweep>;
  readonly pipelines: GroupRecords<PipelineRun>;
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

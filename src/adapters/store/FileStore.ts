import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { PipelineRun } from '../../core/pipeline/pipeline-run.ts';
import { boundHistory, MAX_HISTORY } from '../../core/progress/parse-progress.ts';
import { isEnded, type Run } from '../../core/run/run.ts';
import type { Schedule } from '../../core/schedule/schedule.ts';
import type { Sweep } from '../../core/sweep/sweep.ts';
import type { RunQuery, Store } from '../../ports/store.ts';
import { type Logger, silentLogger } from '../../shared/log.ts';
import { ClaimedKeys } from './ClaimedKeys.ts';
import { CoalescedWrites } from './CoalescedWrites.ts';
import type { FileStoreOptions, FileStoreStats } from './file-store-options.ts';
import { GroupHistory } from './GroupHistory.ts';
import { pipelineKind, sweepKind } from './group-kinds.ts';
import type { RecordHistory } from './history/RecordHistory.ts';
import { LiveFile } from './LiveFile.ts';
import { LiveSchedules } from './LiveSchedules.ts';
import { encodeDocument } from './live-document.ts';
import { readLiveFile } from './read-live-file.ts';
import { StoreError } from './StoreError.ts';
import { StoreHistories } from './StoreHistories.ts';
import { takeStoreLock } from './store-lock.ts';
import { STORE_VERSION } from './store-schema.ts';

const FILE_NAME = 'trainyard.json';
/** A finished run keeps a coarser history than a live one: enough for its final chart. */
const ENDED_HISTORY = 30;
const KEY_TTL_MS = 24 * 60 * 60 * 1000;
const MAX_KEYS = 10_000;

/**
 * The store: a small live file on lowdb (`<dataDir>/trainyard.json`: active runs, sweeps and
 * pipelines, the newest finished ones, schedules, idempotency keys) and older finished records in
 * history segments (`<dataDir>/history/`, one series per kind, see RecordHistory), so neither a
 * write nor start-up grows with history. Live reads are served from memory; changes mark the file
 * dirty and one background write per interval saves them. lowdb's writer writes a temp file and
 * renames it, so the live file is never half-written; records leaving it are appended to their
 * segment first.
 */
export class FileStore implements Store {
  readonly file: string;
  readonly #file: LiveFile;
  readonly #histories: StoreHistories;
  readonly #runs: RecordHistory<Run>;
  readonly #releaseLock: () => void;
  readonly #log: Logger;
  readonly #now: () => Date;
  readonly #opts: FileStoreOptions;
  readonly #schedules = new LiveSchedules();
  readonly #keys = new ClaimedKeys({ ttlMs: KEY_TTL_MS, max: MAX_KEYS });
  readonly #writes: CoalescedWrites;
  readonly sweeps: GroupHistory<Sweep>;
  readonly pipelines: GroupHistory<PipelineRun>;
  #nextRunNumber = 1;
  #closed = false;
  #lastEncodeMs = 0;

  private constructor(file: string, histories: StoreHistories, release: () => void, opts: FileStoreOptions) {
    this.file = file;
    this.#file = new LiveFile(file);
    this.#histories = histories;
    this.#runs = histories.runs;
    const saved = (n: number) => this.#numberUsed(n);
    this.sweeps = new GroupHistory(sweepKind, histories.sweeps, saved);
    this.pipelines = new GroupHistory(pipelineKind, histories.pipelines, saved);
    this.#releaseLock = release;
    this.#log = opts.log ?? silentLogger;
    this.#now = opts.now ?? (() => new Date());
    this.#opts = opts;
    this.#writes = new CoalescedWrites(() => this.#write(), {
      intervalMs: opts.writeIntervalMs ?? 50,
      onError: (error) => this.#log.error('store write failed', { file: this.file, error }),
    });
  }

  /** Opens (or creates) the store. Throws StoreError when the file is unusable or in use. */
  static async open(dataDir: string, opts: FileStoreOptions = {}): Promise<FileStore> {
    try {
      await mkdir(dataDir, { recursive: true });
    } catch (error) {
      throw new StoreError(
        `Cannot create the data folder ${dataDir} (${(error as Error).message}); set TRAINYARD_DATA to a writable folder.`,
      );
    }
    const file = join(dataDir, FILE_NAME);
    const release = takeStoreLock(file);
    try {
      const histories = await StoreHistories.open(dataDir, opts);
      const store = new FileStore(file, histories, release, opts);
      const existed = await store.#load();
      if (!existed) await store.flush();
      await store.#applyRetention();
      return store;
    } catch (error) {
      release();
      throw error;
    }
  }

  nextRunNumber(): number {
    const n = this.#nextRunNumber++;
    this.#changed();
    return n;
  }

  getRun(id: string): Run | undefined {
    return copy(this.#runs.get(id));
  }

  getRunByNumber(n: number): Run | undefined {
    return copy(this.#runs.getByNumber(n));
  }

  async loadRun(id: string): Promise<Run | undefined> {
    return copy(await this.#runs.load(id));
  }

  async loadRunByNumber(n: number): Promise<Run | undefined> {
    return copy(await this.#runs.loadByNumber(n));
  }

  listRuns(filter: { active?: boolean; limit?: number } = {}): Run[] {
    let runs = [...this.#runs.live()];
    if (filter.active !== undefined) runs = runs.filter((r) => isEnded(r.state) !== filter.active);
    runs.sort((a, b) => b.number - a.number);
    if (filter.limit !== undefined) runs = runs.slice(0, filter.limit);
    return runs.map((r) => ({ ...r }));
  }

  async loadRuns(query: RunQuery): Promise<Run[]> {
    const { ended } = query;
    const runs = await this.#runs.newest({
      owner: query.launchedBy,
      before: query.before,
      limit: query.limit,
      live: ended === undefined ? undefined : (r) => isEnded(r.state) === ended,
      // Only ended runs are ever archived.
      archived: ended !== false,
    });
    return runs.map((r) => ({ ...r }));
  }

  saveRun(run: Run): void {
    const limit = isEnded(run.state) ? ENDED_HISTORY : MAX_HISTORY;
    // A copy, so the JSON cached for it stays right even if the caller changes its own object later.
    const stored =
      run.history.length > limit ? { ...run, history: boundHistory(run.history, limit) } : { ...run };
    this.#runs.put(stored);
    this.#numberUsed(run.number);
  }

  listSchedules(): Schedule[] {
    return this.#schedules.list();
  }

  getSchedule(name: string): Schedule | undefined {
    return this.#schedules.get(name);
  }

  saveSchedule(schedule: Schedule): void {
    this.#schedules.save(schedule);
    this.#changed();
  }

  deleteSchedule(name: string): boolean {
    const existed = this.#schedules.delete(name);
    if (existed) this.#changed();
    return existed;
  }

  claimOnce(key: string): boolean {
    if (!this.#keys.claim(key, this.#now().getTime())) return false;
    this.#changed();
    return true;
  }

  /**
   * Resolves once no write is under way, without writing what is pending: the files on disk are
   * then as a kill -9 at that moment would leave them, and stay so until the next timed write.
   */
  writesSettled(): Promise<void> {
    return this.#writes.settled();
  }

  /** Writes pending changes now and waits for the write. Throws StoreError if it fails. */
  async flush(): Promise<void> {
    const error = await this.#writes.flush();
    if (error) {
      throw new StoreError(
        `Cannot write ${this.file} or its history (${error.message}); check the disk and the folder's permissions.`,
      );
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.flush();
    } finally {
      this.#closed = true;
      this.#writes.stop();
      await this.#histories.close();
      this.#releaseLock();
    }
  }

  stats(): FileStoreStats {
    const { writes, lastWriteMs } = this.#writes;
    return { writes, lastWriteMs, lastEncodeMs: this.#lastEncodeMs, ...this.#histories.stats() };
  }

  /** Reads and checks the live file; false when there is none yet. Never writes it. */
  async #load(): Promise<boolean> {
    const text = await this.#file.read();
    if (text === undefined) return false;
    const contents = readLiveFile(this.file, text);
    const superseded = this.#histories.loadLive(contents);
    for (const schedule of contents.schedules) this.#schedules.save(schedule);
    this.#keys.load(contents.keys, this.#now().getTime());
    this.#nextRunNumber = Math.max(contents.nextRunNumber, this.#histories.highestNumber() + 1);
    // Older versions are rewritten (their finished runs moving to history) by the first write.
    const migrating = contents.version !== STORE_VERSION;
    if (migrating || superseded > 0 || this.#histories.needsArchiving()) this.#changed();
    this.#log.info('store loaded', {
      file: this.file,
      ...this.#histories.stats(),
      schedules: this.#schedules.size,
      ...(migrating ? { migratingFromVersion: contents.version } : {}),
      ...(superseded > 0 ? { supersededByHistory: superseded } : {}),
    });
    return true;
  }

  #changed(): void {
    if (!this.#closed) this.#writes.changed();
  }

  /** A number saved (e.g. imported, or a group's) is never handed out later, whatever its kind. */
  #numberUsed(n: number): void {
    if (n >= this.#nextRunNumber) this.#nextRunNumber = n + 1;
    this.#changed();
  }

  /**
   * Settled records beyond the live window go to history first, and only then is the live file
   * written without them: a crash in between leaves them in both, never in neither.
   */
  async #write(): Promise<void> {
    await this.#histories.archiveSettled(this.#schedules.lastRunIds());
    const encodeStarted = performance.now();
    const text = this.#encode();
    this.#lastEncodeMs = performance.now() - encodeStarted;
    await this.#file.write(text);
    this.#opts.hook?.('live-written');
    await this.#applyRetention();
  }

  async #applyRetention(): Promise<void> {
    const { runs, sweeps, pipelines } = await this.#histories.applyRetention();
    if (runs.length + sweeps + pipelines === 0) return;
    this.#log.info('dropped old history', { runs: runs.length, sweeps, pipelines });
    if (runs.length > 0) this.#opts.onPrune?.(runs);
  }

  #encode(): Buffer[] {
    const head = {
      version: STORE_VERSION,
      nextRunNumber: this.#nextRunNumber,
      archivedTo: this.#histories.archivedTo(),
    };
    return encodeDocument(head, [
      { name: 'schedules', shape: 'list', lines: this.#schedules.lines() },
      { name: 'keys', shape: 'object', lines: this.#keys.lines(this.#now().getTime()) },
      ...this.#histories.sections(),
    ]);
  }
}

function copy<T extends object>(value: T | undefined): T | undefined {
  return value === undefined ? undefined : { ...value };
}

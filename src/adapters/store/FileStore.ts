import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Low } from 'lowdb';
import { DataFile } from 'lowdb/node';
import { boundHistory, MAX_HISTORY } from '../../core/progress/parse-progress.ts';
import { isEnded, type Run } from '../../core/run/run.ts';
import type { Schedule } from '../../core/schedule/schedule.ts';
import type { Store } from '../../ports/store.ts';
import { type Logger, silentLogger } from '../../shared/log.ts';
import { StoreError } from './StoreError.ts';
import { takeStoreLock } from './store-lock.ts';
import { STORE_VERSION, storeFileSchema, storeFileV1Schema } from './store-schema.ts';
import { fromStoredRun, toStoredRun } from './stored-run.ts';

export interface FileStoreOptions {
  /** Ended runs kept; older ones are pruned (active runs are always kept). Default 5000. */
  retention?: number;
  /** At most one file write per this many ms, however many changes. Default 50 (≤ 20 writes/s). */
  writeIntervalMs?: number;
  log?: Logger;
  now?: () => Date;
  /** Told which runs were pruned, e.g. to remove their archived logs. */
  onPrune?: (runIds: string[]) => void;
}

export interface FileStoreStats {
  /** File writes since open. */
  writes: number;
  /** How long the last write took (serialise + write + rename), in ms. */
  lastWriteMs: number;
  runs: number;
}

/** What a write saves, in memory form; serialise() turns it into the store file format. */
interface Snapshot {
  nextRunNumber: number;
  runs: Run[];
  schedules: Schedule[];
  keys: Record<string, number>;
}

const FILE_NAME = 'trainyard.json';
/** A finished run keeps a coarser history than a live one: enough for its final chart. */
const ENDED_HISTORY = 30;
const KEY_TTL_MS = 24 * 60 * 60 * 1000;
const MAX_KEYS = 10_000;
const KEEP_FILE = 'fix or move it away — Trainyard will not overwrite it';

/**
 * The store on lowdb at `<dataDir>/trainyard.json`. Everything is served from memory (maps by id
 * and number); changes mark the file dirty and one background write per interval saves them.
 * lowdb's writer (steno) writes a temp file and renames it, so the file is never half-written.
 */
export class FileStore implements Store {
  readonly file: string;
  readonly #db: Low<Snapshot>;
  readonly #releaseLock: () => void;
  readonly #retention: number;
  readonly #interval: number;
  readonly #log: Logger;
  readonly #now: () => Date;
  readonly #onPrune?: (runIds: string[]) => void;

  readonly #runsById = new Map<string, Run>();
  readonly #runsByNumber = new Map<number, Run>();
  readonly #schedules = new Map<string, Schedule>();
  /** Idempotency key → expiry (ms). Insertion order is expiry order, since all share one TTL. */
  readonly #keys = new Map<string, number>();
  #nextRunNumber = 1;
  /** The file text as last read, held only while #load takes each run's line from it. */
  #readText: string | undefined;
  /** Kept up to date so deciding whether to prune is O(1). */
  #endedCount = 0;

  #dirty = false;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;
  #writeError: Error | undefined;
  #closed = false;
  #stats: FileStoreStats = { writes: 0, lastWriteMs: 0, runs: 0 };

  private constructor(file: string, releaseLock: () => void, opts: FileStoreOptions) {
    this.file = file;
    // lowdb's JSONFile indents by two spaces, which makes a file of 10,000 runs several times larger
    // and slower to load; the same DataFile with compact JSON (and cached run JSON) keeps it fast.
    // The text read is kept until the load has taken each run's line from it (see runLines).
    const parse = (text: string) => {
      this.#readText = text;
      return JSON.parse(text);
    };
    const adapter = new DataFile<Snapshot>(file, { parse, stringify: serialise });
    this.#db = new Low<Snapshot>(adapter, this.#snapshot());
    this.#releaseLock = releaseLock;
    this.#retention = opts.retention ?? 5000;
    this.#interval = opts.writeIntervalMs ?? 50;
    this.#log = opts.log ?? silentLogger;
    this.#now = opts.now ?? (() => new Date());
    this.#onPrune = opts.onPrune;
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
    const store = new FileStore(file, release, opts);
    try {
      const existed = await store.#load();
      if (!existed) await store.#writeNow();
    } catch (error) {
      release();
      throw error;
    }
    return store;
  }

  nextRunNumber(): number {
    const n = this.#nextRunNumber++;
    this.#changed();
    return n;
  }

  getRun(id: string): Run | undefined {
    return this.#runsById.get(id);
  }

  getRunByNumber(n: number): Run | undefined {
    return this.#runsByNumber.get(n);
  }

  async loadRun(id: string): Promise<Run | undefined> {
    return this.getRun(id);
  }

  async loadRunByNumber(n: number): Promise<Run | undefined> {
    return this.getRunByNumber(n);
  }

  listRuns(filter: { active?: boolean; limit?: number } = {}): Run[] {
    let runs = [...this.#runsById.values()];
    if (filter.active !== undefined) runs = runs.filter((r) => isEnded(r.state) !== filter.active);
    runs.sort((a, b) => b.number - a.number);
    return filter.limit === undefined ? runs : runs.slice(0, filter.limit);
  }

  saveRun(run: Run): void {
    const limit = isEnded(run.state) ? ENDED_HISTORY : MAX_HISTORY;
    // A copy, so the JSON cached for it stays right even if the caller changes its own object later.
    const stored =
      run.history.length > limit ? { ...run, history: boundHistory(run.history, limit) } : { ...run };
    const previous = this.#runsById.get(run.id);
    if (previous && previous.number !== run.number) this.#runsByNumber.delete(previous.number);
    if (previous && isEnded(previous.state)) this.#endedCount--;
    if (isEnded(run.state)) this.#endedCount++;
    this.#runsById.set(run.id, stored);
    this.#runsByNumber.set(run.number, stored);
    // A run saved with a number never handed out (e.g. imported) must not be handed out later.
    if (run.number >= this.#nextRunNumber) this.#nextRunNumber = run.number + 1;
    this.#prune();
    this.#changed();
  }

  listSchedules(): Schedule[] {
    return [...this.#schedules.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  getSchedule(name: string): Schedule | undefined {
    return this.#schedules.get(name);
  }

  saveSchedule(schedule: Schedule): void {
    this.#schedules.set(schedule.name, schedule);
    this.#changed();
  }

  deleteSchedule(name: string): boolean {
    const existed = this.#schedules.delete(name);
    if (existed) this.#changed();
    return existed;
  }

  claimOnce(key: string): boolean {
    const now = this.#now().getTime();
    this.#expireKeys(now);
    if (this.#keys.has(key)) return false;
    this.#keys.set(key, now + KEY_TTL_MS);
    // Bounded even under a flood of distinct keys: the oldest are forgotten first.
    while (this.#keys.size > MAX_KEYS) this.#keys.delete(this.#keys.keys().next().value as string);
    this.#changed();
    return true;
  }

  /** Writes pending changes now and waits for the write. Throws StoreError if it fails. */
  async flush(): Promise<void> {
    if (this.#writing) await this.#writing;
    if (this.#dirty) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      await this.#writeNow();
    }
    const error = this.#writeError;
    if (error) {
      throw new StoreError(
        `Cannot write ${this.file} (${error.message}); check the disk and the folder's permissions.`,
      );
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.flush();
    } finally {
      this.#closed = true;
      this.#releaseLock();
    }
  }

  stats(): FileStoreStats {
    return { ...this.#stats, runs: this.#runsById.size };
  }

  /** Reads and checks the file; false when there is none yet. Never writes. */
  async #load(): Promise<boolean> {
    let raw: unknown;
    try {
      // Low.read() keeps the default data when the file does not exist.
      this.#db.data = null as unknown as Snapshot;
      await this.#db.read();
      raw = this.#db.data;
    } catch (error) {
      if (error instanceof SyntaxError) {
        throw new StoreError(`${this.file} is not valid JSON (${error.message}); ${KEEP_FILE}.`);
      }
      throw new StoreError(`${this.file} cannot be read (${(error as Error).message}); ${KEEP_FILE}.`);
    }
    if (raw === null) return false;
    const version = (raw as { version?: unknown })?.version;
    if (typeof version === 'number' && version > STORE_VERSION) {
      throw new StoreError(
        `${this.file} was written by a newer Trainyard (store version ${version}, this one reads ${STORE_VERSION}); upgrade Trainyard or move the file away — it will not be overwritten.`,
      );
    }
    const migrating = version === 1;
    const parsed = migrating ? storeFileV1Schema.safeParse(raw) : storeFileSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue.path.length > 0 ? issue.path.join('.') : 'top level';
      throw new StoreError(
        `${this.file} is not a valid Trainyard store (${where}: ${issue.message}); ${KEEP_FILE}.`,
      );
    }
    const data = parsed.data;
    // The schema checked every field Run and Schedule need; their pass-through parts stay as stored.
    const runs = data.version === 1 ? data.runs : data.runs.map(fromStoredRun);
    const lines = migrating || this.#readText === undefined ? undefined : runLines(this.#readText, runs);
    this.#readText = undefined;
    for (const [i, run] of runs.entries()) {
      if (lines) runJson.set(run, lines[i]);
      this.#runsById.set(run.id, run);
      this.#runsByNumber.set(run.number, run);
      if (isEnded(run.state)) this.#endedCount++;
    }
    for (const schedule of data.schedules as unknown as Schedule[])
      this.#schedules.set(schedule.name, schedule);
    for (const [key, expiresAt] of Object.entries(data.keys).sort((a, b) => a[1] - b[1])) {
      this.#keys.set(key, expiresAt);
    }
    let highest = 0;
    for (const n of this.#runsByNumber.keys()) if (n > highest) highest = n;
    this.#nextRunNumber = Math.max(data.nextRunNumber, highest + 1);
    // A version 1 file is rewritten in the current format by the first write.
    if (this.#prune() || migrating) this.#changed();
    this.#log.info('store loaded', {
      file: this.file,
      runs: this.#runsById.size,
      schedules: this.#schedules.size,
      ...(migrating ? { migratedFromVersion: 1 } : {}),
    });
    return true;
  }

  /** Removes the oldest ended runs beyond the retention count. Returns true if any were removed. */
  #prune(): boolean {
    if (this.#endedCount <= this.#retention) return false;
    const oldestFirst = [...this.#runsById.values()]
      .filter((r) => isEnded(r.state))
      .sort((a, b) => a.number - b.number);
    const removed = oldestFirst.slice(0, this.#endedCount - this.#retention).map((r) => r.id);
    this.#endedCount = this.#retention;
    for (const id of removed) {
      const run = this.#runsById.get(id);
      this.#runsById.delete(id);
      if (run) this.#runsByNumber.delete(run.number);
    }
    this.#log.info('pruned old runs', { count: removed.length });
    this.#onPrune?.(removed);
    return true;
  }

  #expireKeys(now: number): void {
    for (const [key, expiresAt] of this.#keys) {
      if (expiresAt > now) break;
      this.#keys.delete(key);
    }
  }

  #changed(): void {
    this.#dirty = true;
    this.#scheduleWrite();
  }

  /** One write per interval: the timer starts only when no write is waiting or running. */
  #scheduleWrite(): void {
    if (this.#closed || this.#timer || this.#writing) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#writeNow();
    }, this.#interval);
  }

  #writeNow(): Promise<void> {
    this.#dirty = false;
    this.#db.data = this.#snapshot();
    const started = performance.now();
    this.#writing = this.#db
      .write()
      .then(() => {
        this.#stats.writes++;
        this.#writeError = undefined;
      })
      .catch((error: Error) => {
        // Keep the changes dirty so the next write retries them.
        this.#dirty = true;
        this.#writeError = error;
        this.#log.error('store write failed', { file: this.file, error });
      })
      .finally(() => {
        this.#stats.lastWriteMs = performance.now() - started;
        this.#writing = undefined;
        if (this.#dirty) this.#scheduleWrite();
      });
    return this.#writing;
  }

  #snapshot(): Snapshot {
    return {
      nextRunNumber: this.#nextRunNumber,
      runs: [...this.#runsById.values()].sort((a, b) => a.number - b.number),
      schedules: [...this.#schedules.values()],
      keys: Object.fromEntries(this.#keys),
    };
  }
}

/**
 * Every write rewrites the whole file, but between two writes only a few runs change. Each stored
 * run object is never changed after saveRun (a change saves a new object), so its file form is
 * computed once and reused: a write costs joining strings, not converting and serialising 10,000
 * runs again. Runs are written one per line, so at start-up each loaded run takes its line of the
 * file as its JSON and the first write need not serialise them all either.
 */
const runJson = new WeakMap<Run, string>();

function serialise(data: Snapshot): string {
  const runs = data.runs.map((run) => {
    let json = runJson.get(run);
    if (json === undefined) {
      json = JSON.stringify(toStoredRun(run));
      runJson.set(run, json);
    }
    return json;
  });
  const header = `{"version":${STORE_VERSION},"nextRunNumber":${data.nextRunNumber},"schedules":${JSON.stringify(data.schedules)},"keys":${JSON.stringify(data.keys)},"runs":[`;
  return `${header}\n${runs.join(',\n')}\n]}`;
}

/**
 * Each run's JSON in a file laid out as serialise() writes it (JSON never holds a raw newline
 * inside a value, so a line is exactly one run). Undefined for any other layout, e.g. a file
 * edited by hand or a version 1 file: those runs are serialised again on the first write.
 * The lines share the file text's memory, about what their cached JSON would take anyway.
 */
function runLines(text: string, runs: Run[]): string[] | undefined {
  const lines = text.split('\n');
  if (lines.length !== runs.length + 2) return undefined;
  const runsJson = lines.slice(1, -1);
  for (let i = 0; i < runs.length; i++) {
    let line = runsJson[i];
    if (i < runs.length - 1) {
      if (!line.endsWith(',')) return undefined;
      line = line.slice(0, -1);
      runsJson[i] = line;
    }
    if (!line.startsWith(`{"id":${JSON.stringify(runs[i].id)},`)) return undefined;
  }
  return runsJson;
}

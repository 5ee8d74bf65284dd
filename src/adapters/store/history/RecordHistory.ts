import type { Logger } from '../../../shared/log.ts';
import type { ArchivedEntry } from './ArchiveIndex.ts';
import type { PointHook, RecordKind } from './record-kind.ts';
import { type HistoryPosition, SegmentArchive } from './SegmentArchive.ts';

export interface RecordHistoryOptions {
  /** Settled records kept live (newest by number); older ones move to segments. */
  keepSettled: number;
  /** Settled records kept in all (live and archived); whole older segments are dropped. */
  retention: number;
  segmentBytes: number;
  log: Logger;
  hook?: PointHook;
}

export interface NewestQuery<T> {
  owner?: string;
  /** Only records numbered below this. */
  before?: number;
  limit: number;
  /** Which live records qualify (archived ones are all settled). */
  live?: (record: T) => boolean;
  /** false: live records only. */
  archived?: boolean;
}

/**
 * One kind of record, live and archived: the live records are in memory (and in the live file,
 * which the owner writes), settled ones beyond the newest few move to history segments. Each
 * move appends first and drops the live copy only once the line is in its segment, so a crash
 * leaves a record in both places, never in neither; wherever a record is in both, the live copy
 * wins. Runs, sweeps and pipelines each have one, with their own RecordKind.
 */
export class RecordHistory<T> {
  readonly #kind: RecordKind<T>;
  readonly #archive: SegmentArchive<T>;
  readonly #opts: RecordHistoryOptions;
  readonly #byId = new Map<string, T>();
  readonly #byNumber = new Map<number, T>();
  /** Each record's line (UTF-8), encoded once: a stored record object is never changed, only replaced. */
  readonly #lines = new WeakMap<object, Buffer>();
  #settledLive = 0;

  private constructor(kind: RecordKind<T>, archive: SegmentArchive<T>, opts: RecordHistoryOptions) {
    this.#kind = kind;
    this.#archive = archive;
    this.#opts = opts;
  }

  static async open<T>(dataDir: string, kind: RecordKind<T>, opts: RecordHistoryOptions) {
    const archive = await SegmentArchive.open(dataDir, kind, opts);
    return new RecordHistory(kind, archive, opts);
  }

  // ---- live records -------------------------------------------------------------------------

  get(id: string): T | undefined {
    return this.#byId.get(id);
  }

  getByNumber(n: number): T | undefined {
    return this.#byNumber.get(n);
  }

  live(): IterableIterator<T> {
    return this.#byId.values();
  }

  /** Stores a record the caller will not change; `line` is its JSON when already known. */
  put(record: T, line?: string): void {
    const { id, number, settled } = this.#kind;
    const previous = this.#byId.get(id(record));
    if (previous) {
      if (number(previous) !== number(record)) this.#byNumber.delete(number(previous));
      if (settled(previous)) this.#settledLive--;
    }
    if (settled(record)) this.#settledLive++;
    this.#byId.set(id(record), record);
    this.#byNumber.set(number(record), record);
    if (line !== undefined) this.#lines.set(record as object, Buffer.from(line));
  }

  /**
   * Takes the records of the live file as read at start-up. `archivedTo` is where the history
   * ended when that file was written: a record also archived at or after it was appended by a
   * write that never got to rewrite the live file (a crash), so its archived copy is the newer
   * one and the live copy is dropped. One archived earlier is older: the live copy (saved again
   * since) wins. Returns how many live copies were dropped.
   */
  loadLive(records: T[], lines: (string | undefined)[], archivedTo: HistoryPosition | undefined): number {
    let dropped = 0;
    records.forEach((record, i) => {
      // By number: a record keeps its number, and the lookup by id is built only after start-up.
      const entry = this.#archive.index.getByNumber(this.#kind.number(record));
      if (entry && archivedTo && SegmentArchive.isAtOrAfter(entry, archivedTo)) dropped++;
      else this.put(record, lines[i]);
    });
    return dropped;
  }

  /** Where the history ends: written into the live file with it (see loadLive). */
  archivedTo(): HistoryPosition {
    return this.#archive.end();
  }

  /** The live records' lines, by number. */
  lines(): Buffer[] {
    const { number } = this.#kind;
    return [...this.#byId.values()].sort((a, b) => number(a) - number(b)).map((r) => this.#line(r));
  }

  highestNumber(): number {
    let highest = this.#archive.index.highestNumber();
    for (const n of this.#byNumber.keys()) if (n > highest) highest = n;
    return highest;
  }

  stats() {
    return {
      live: this.#byId.size,
      archived: this.#archive.index.size,
      segments: this.#archive.segmentCount,
    };
  }

  // ---- lookups that may reach the archive ---------------------------------------------------

  async load(id: string): Promise<T | undefined> {
    const live = this.#byId.get(id);
    if (live) return live;
    const entry = this.#archive.index.get(id);
    return entry && this.#read(entry);
  }

  async loadByNumber(n: number): Promise<T | undefined> {
    const live = this.#byNumber.get(n);
    if (live) return live;
    const entry = this.#archive.index.getByNumber(n);
    return entry && this.#read(entry);
  }

  /** Newest first, live and archived merged by number; reads only the archived records it returns. */
  async newest(query: NewestQuery<T>): Promise<T[]> {
    const { number, owner } = this.#kind;
    const before = query.before ?? Number.POSITIVE_INFINITY;
    const live = [...this.#byId.values()]
      .filter((r) => number(r) < before && (query.owner === undefined || owner(r) === query.owner))
      .filter((r) => query.live?.(r) ?? true)
      .sort((a, b) => number(b) - number(a));
    const picked: ({ live: T } | { entry: ArchivedEntry })[] = [];
    const archived = query.archived === false ? [] : this.#archive.index.numbersNewestFirst(query.owner);
    let i = 0;
    let last = Number.POSITIVE_INFINITY;
    for (const n of archived) {
      if (picked.length >= query.limit) break;
      // Live copies win, and a number may be listed twice after an odd re-archive.
      if (n >= before || n >= last || this.#byNumber.has(n)) continue;
      last = n;
      const entry = this.#archive.index.getByNumber(n);
      if (!entry) continue;
      while (i < live.length && number(live[i]) > n && picked.length < query.limit) {
        picked.push({ live: live[i++] });
      }
      if (picked.length < query.limit) picked.push({ entry });
    }
    while (i < live.length && picked.length < query.limit) picked.push({ live: live[i++] });
    // One read of the archive for the page, so each segment in it is opened once.
    const read = await this.#archive.readAll(picked.flatMap((p) => ('entry' in p ? [p.entry] : [])));
    let next = 0;
    const loaded = picked.map((p) => ('entry' in p ? read[next++] : p.live));
    return loaded.filter((r): r is T => r !== undefined);
  }

  // ---- moving and dropping ------------------------------------------------------------------

  /** More settled records are live than are kept there (after loading an older file, say). */
  needsArchiving(): boolean {
    return this.#settledLive > this.#opts.keepSettled;
  }

  /**
   * Appends the settled records beyond the newest `keepSettled` (except pinned ones) to the
   * archive, then drops them from the live set. Returns how many moved; the caller then writes the
   * live file without them.
   */
  async archiveSettled(pinned: (id: string) => boolean): Promise<number> {
    if (this.#settledLive <= this.#opts.keepSettled) return 0;
    const { id, number, settled } = this.#kind;
    const moving = [...this.#byId.values()]
      .filter(settled)
      .sort((a, b) => number(b) - number(a))
      .slice(this.#opts.keepSettled)
      .filter((r) => !pinned(id(r)))
      .reverse();
    await this.#archive.append(moving.map((record) => ({ record, line: this.#line(record) })));
    for (const record of moving) {
      // Saved again while the append was under way: the newer copy stays live.
      if (this.#byId.get(id(record)) !== record) continue;
      this.#byId.delete(id(record));
      this.#byNumber.delete(number(record));
      this.#settledLive--;
    }
    return moving.length;
  }

  /** Drops whole old segments beyond the retention count; returns the ids of records that went. */
  async applyRetention(): Promise<string[]> {
    // Only whole closed segments are dropped: with one segment there is nothing to do (the common
    // case, checked on every write).
    if (this.#archive.segmentCount <= 1) return [];
    const { retention } = this.#opts;
    const { number, settled } = this.#kind;
    // Settled live records not also archived (after a crash both copies exist): counted once.
    let liveOnly = 0;
    for (const r of this.#byId.values()) if (settled(r) && !this.#archive.index.has(number(r))) liveOnly++;
    const dropped = await this.#archive.dropOldestWhile((left) => left + liveOnly >= retention);
    return dropped.map((e) => e.id).filter((id) => !this.#byId.has(id));
  }

  close(): Promise<void> {
    return this.#archive.close();
  }

  #line(record: T): Buffer {
    let line = this.#lines.get(record as object);
    if (line === undefined) {
      line = Buffer.from(this.#kind.encode(record));
      this.#lines.set(record as object, line);
    }
    return line;
  }

  #read(entry: ArchivedEntry): Promise<T | undefined> {
    return this.#archive.read(entry);
  }
}

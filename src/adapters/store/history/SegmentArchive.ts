import { type FileHandle, mkdir, open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../../shared/log.ts';
import { type ArchivedEntry, ArchiveIndex, emptyRows, type SegmentRows } from './ArchiveIndex.ts';
import type { PointHook, RecordKind } from './record-kind.ts';
import {
  listSegments,
  readSidecar,
  removeFile,
  scanSegment,
  segmentPath,
  sidecarPath,
  writeSidecar,
} from './segment-files.ts';

export interface SegmentArchiveOptions {
  /** A segment is sealed once it reaches this size and the next record starts a new one. */
  segmentBytes: number;
  log: Logger;
  hook?: PointHook;
}

const NEWLINE = Buffer.from('\n');

/** A place in the history: segment number and byte offset in it. Orders every line ever appended. */
export type HistoryPosition = [segment: number, bytes: number];

/** The segment records are appended to; its rows (shared with the index) make its sidecar. */
interface OpenSegment {
  number: number;
  bytes: number;
  rows: SegmentRows;
  handle?: FileHandle;
}

/**
 * One record kind's finished records in append-only, size-bounded segments under
 * `<dataDir>/history/`, with the index over them. Nothing is ever rewritten: a record archived
 * again gets a new line and the index points at the newest. A line cut short by a crash is
 * skipped (with a log line) and appending carries on in a new segment, so it never glues onto it.
 */
export class SegmentArchive<T> {
  readonly index = new ArchiveIndex();
  readonly #dir: string;
  readonly #kind: RecordKind<T>;
  readonly #opts: SegmentArchiveOptions;
  /** Every segment on disk, oldest first. */
  readonly #segments: number[] = [];
  #open: OpenSegment | undefined;
  /** Just after the last line appended. */
  #end: HistoryPosition = [0, 0];

  private constructor(dir: string, kind: RecordKind<T>, opts: SegmentArchiveOptions) {
    this.#dir = dir;
    this.#kind = kind;
    this.#opts = opts;
  }

  static async open<T>(dataDir: string, kind: RecordKind<T>, opts: SegmentArchiveOptions) {
    const archive = new SegmentArchive(join(dataDir, 'history'), kind, opts);
    await mkdir(archive.#dir, { recursive: true });
    await archive.#load();
    return archive;
  }

  get segmentCount(): number {
    return this.#segments.length;
  }

  /** Where the next line will go: everything appended so far is before it. */
  end(): HistoryPosition {
    return [...this.#end];
  }

  /** Whether a record's newest line was appended at or after a position. */
  static isAtOrAfter(entry: ArchivedEntry, [segment, bytes]: HistoryPosition): boolean {
    return entry.segment > segment || (entry.segment === segment && entry.offset >= bytes);
  }

  /**
   * Appends records as lines, then indexes them, starting a new segment whenever one is full.
   * Resolves once the bytes are in the files, so the caller may then drop its own copies. On
   * failure the records not yet written are not indexed, and the next append starts a new
   * segment in case part of a line was written.
   */
  async append(records: { record: T; line: Buffer }[]): Promise<void> {
    let from = 0;
    while (from < records.length) {
      const segment = this.#open ?? this.#startSegment();
      // Fill this segment up to its size (at least one record, however large).
      let bytes = segment.bytes;
      let to = from;
      const parts: Buffer[] = [];
      const lines: { record: T; offset: number; length: number }[] = [];
      while (to < records.length && (to === from || bytes < this.#opts.segmentBytes)) {
        const { record, line } = records[to++];
        lines.push({ record, offset: bytes, length: line.length });
        parts.push(line, NEWLINE);
        bytes += line.length + 1;
      }
      await this.#write(segment, Buffer.concat(parts));
      segment.bytes = bytes;
      this.#end = [segment.number, bytes];
      const { rows } = segment;
      const first = rows.numbers.length;
      for (const { record, offset, length } of lines) this.#pushRow(rows, record, offset, length);
      this.index.add(rows, first);
      this.#opts.hook?.('segment-appended', this.#kind.name);
      if (segment.bytes >= this.#opts.segmentBytes) await this.#seal(segment);
      from = to;
    }
  }

  async #write(segment: OpenSegment, bytes: Buffer): Promise<void> {
    try {
      segment.handle ??= await open(segmentPath(this.#dir, this.#kind.name, segment.number), 'a');
      await segment.handle.appendFile(bytes);
    } catch (error) {
      this.#open = undefined;
      await segment.handle?.close().catch(() => {});
      throw error;
    }
  }

  /** The record an entry points at; undefined (with a log line) when it cannot be read back. */
  async read(entry: ArchivedEntry): Promise<T | undefined> {
    const [record] = await this.readAll([entry]);
    return record;
  }

  /**
   * The records entries point at, in their order (each as `read` gives it). Each segment is
   * opened once however many of its records are asked for: a page of history is mostly in one.
   */
  async readAll(entries: readonly ArchivedEntry[]): Promise<(T | undefined)[]> {
    const bySegment = new Map<number, number[]>();
    entries.forEach((entry, i) => {
      const inSegment = bySegment.get(entry.segment);
      if (inSegment) inSegment.push(i);
      else bySegment.set(entry.segment, [i]);
    });
    const records: (T | undefined)[] = entries.map(() => undefined);
    await Promise.all(
      [...bySegment].map(async ([segment, indexes]) => {
        const file = segmentPath(this.#dir, this.#kind.name, segment);
        let handle: FileHandle;
        try {
          handle = await open(file, 'r');
        } catch (error) {
          // Dropped by retention between the lookup and the read: its records are simply gone.
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
          for (const i of indexes) this.#unreadable(file, entries[i], (error as Error).message);
          return;
        }
        try {
          await Promise.all(
            indexes.map(async (i) => {
              records[i] = await this.#readLine(handle, file, entries[i]);
            }),
          );
        } finally {
          await handle.close();
        }
      }),
    );
    return records;
  }

  async #readLine(handle: FileHandle, file: string, entry: ArchivedEntry): Promise<T | undefined> {
    let problem: string;
    try {
      const buffer = Buffer.alloc(entry.length);
      await handle.read(buffer, 0, entry.length, entry.offset);
      const decoded = this.#kind.decode(JSON.parse(buffer.toString('utf8')));
      if ('record' in decoded) return decoded.record;
      problem = decoded.error;
    } catch (error) {
      problem = (error as Error).message;
    }
    this.#unreadable(file, entry, problem);
    return undefined;
  }

  #unreadable(file: string, entry: ArchivedEntry, problem: string): void {
    this.#opts.log.warn('history record unreadable', { file, offset: entry.offset, problem });
  }

  /**
   * Drops whole segments, oldest first, while `keepDropping(records left afterwards)` says so.
   * The newest segment always stays. Returns the records that went.
   */
  async dropOldestWhile(keepDropping: (remaining: number) => boolean): Promise<ArchivedEntry[]> {
    const dropped: ArchivedEntry[] = [];
    while (this.#segments.length > 1) {
      const oldest = this.#segments[0];
      if (!keepDropping(this.index.size - this.index.countIn(oldest))) break;
      // The file goes first: were the index forgotten first, a failed unlink would hide records.
      await removeFile(segmentPath(this.#dir, this.#kind.name, oldest));
      this.#segments.shift();
      dropped.push(...this.index.removeSegment(oldest));
      this.#opts.hook?.('segment-dropped', this.#kind.name);
      await removeFile(sidecarPath(this.#dir, this.#kind.name, oldest));
      this.#opts.hook?.('sidecar-dropped', this.#kind.name);
    }
    return dropped;
  }

  async close(): Promise<void> {
    await this.#open?.handle?.close();
    this.#open = undefined;
  }

  #pushRow(rows: SegmentRows, record: T, offset: number, length: number): void {
    const kind = this.#kind;
    rows.ids.push(kind.id(record));
    rows.numbers.push(kind.number(record));
    rows.owners.push(kind.owner(record));
    rows.offsets.push(offset);
    rows.lengths.push(length);
  }

  #startSegment(): OpenSegment {
    const number = (this.#segments.at(-1) ?? 0) + 1;
    this.#segments.push(number);
    this.#open = { number, bytes: 0, rows: emptyRows(number) };
    return this.#open;
  }

  async #seal(segment: OpenSegment): Promise<void> {
    this.#open = undefined;
    await segment.handle?.close();
    await writeSidecar(this.#dir, this.#kind.name, segment.bytes, segment.rows);
    this.#opts.hook?.('segment-sealed', this.#kind.name);
  }

  /**
   * Reads every sidecar (or segment, where a sidecar is missing or stale) into the index. The
   * files are read all at once (the thread pool overlaps them) and indexed oldest first.
   */
  async #load(): Promise<void> {
    const { segments, orphanSidecars, temps } = await listSegments(this.#dir, this.#kind.name);
    for (const file of temps) await removeFile(file);
    for (const n of orphanSidecars) await removeFile(sidecarPath(this.#dir, this.#kind.name, n));
    const read = await Promise.all(
      segments.map(async (n) => {
        const bytes = (await stat(segmentPath(this.#dir, this.#kind.name, n))).size;
        return { n, bytes, rows: await readSidecar(this.#dir, this.#kind.name, n, bytes) };
      }),
    );
    for (const { n, bytes, rows: sealed } of read) {
      let rows = sealed;
      if (!rows) {
        const scan = await this.#scan(n, segmentPath(this.#dir, this.#kind.name, n));
        rows = scan.rows;
        const last = n === segments.at(-1);
        if (last && !scan.partialTail && bytes < this.#opts.segmentBytes) {
          this.#open = { number: n, bytes, rows };
        } else {
          await writeSidecar(this.#dir, this.#kind.name, bytes, rows);
        }
      }
      this.index.add(rows);
      this.#segments.push(n);
      this.#end = [n, bytes];
    }
    // The lookups by id and owner are built after start-up, a segment per event-loop turn.
    void this.index.warmUp();
  }

  async #scan(n: number, file: string): Promise<{ rows: SegmentRows; partialTail: boolean }> {
    const scan = await scanSegment(file);
    const rows = emptyRows(n);
    const skipped = [...scan.broken];
    for (const line of scan.lines) {
      const decoded = this.#kind.decode(line.value);
      if (!('record' in decoded)) {
        skipped.push(line.offset);
        continue;
      }
      this.#pushRow(rows, decoded.record, line.offset, line.length);
    }
    if (skipped.length > 0) {
      // A crash mid-append leaves a cut-short last line; its records were still in the live file.
      this.#opts.log.warn('history segment has unreadable lines; they are skipped', {
        file,
        lines: skipped.length,
        atBytes: skipped.sort((a, b) => a - b).slice(0, 5),
      });
    }
    return { rows, partialTail: scan.partialTail };
  }
}

import {
  appendFile,
  mkdir,
  open,
  readFile,
  rename,
  stat,
  truncate,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import type { LogArchive, ResumedLog } from '../../ports/log-archive.ts';
import { type Logger, silentLogger } from '../../shared/log.ts';
import { type LogPoint, readLogCommit, removeLogCommit, writeLogCommit } from './log-cursor-file.ts';

export interface LogArchiveOptions {
  /** Largest a run's log file grows to. Default 5 MB. */
  maxBytes?: number;
  /** Bytes from the start that are always kept. Default 1 MB. */
  headBytes?: number;
  /** Lines per live run kept in memory for quick `tail`. Default 500. */
  memoryLines?: number;
  log?: Logger;
}

/** Per live run: where its file stands and what is still to be written. */
interface LiveLog {
  /** Bytes in the file once every queued write is done; undefined until the first write stats it. */
  size?: number;
  recent: string[];
  pending: string[];
  /** The runtime's cursor after the last line queued (or restored by resume); saved with the lines. */
  cursor?: string;
  /** Writes for one run happen one after another, in order. */
  chain: Promise<void>;
  writeQueued: boolean;
  /** The last commits (oldest first; the newest is the one on disk), as the record keeps them. */
  points: LogPoint[];
}

/** Commits a record remembers: enough to cover the store's write delay many times over. */
const KEPT_POINTS = 64;

const MARKER = /^\[trainyard\] (\d+) lines left out here \(log longer than [\d.]+ MB\)$/;

/**
 * Full logs of runs, one file per run at `<dataDir>/logs/<runId>.log`. Lines are written as they
 * arrive (so a restart keeps them and continues the same file). When a file would pass maxBytes
 * it is compacted to its head, a line saying how many lines were left out, and its latest lines,
 * so no run's log grows without bound.
 *
 * Lines that came with a runtime cursor are followed by a commit record (`<runId>.log.cursor`:
 * the cursor and the file's size with those lines); `resume` cuts the file back to the last
 * record, so lines and cursor survive a crash together.
 */
export class FileLogArchive implements LogArchive {
  readonly dir: string;
  readonly #maxBytes: number;
  readonly #headBytes: number;
  readonly #memoryLines: number;
  readonly #log: Logger;
  readonly #live = new Map<string, LiveLog>();
  #ready: Promise<unknown> | undefined;

  constructor(dataDir: string, opts: LogArchiveOptions = {}) {
    this.dir = join(dataDir, 'logs');
    this.#maxBytes = opts.maxBytes ?? 5 * 1024 * 1024;
    this.#headBytes = Math.min(opts.headBytes ?? 1024 * 1024, Math.floor(this.#maxBytes / 4));
    this.#memoryLines = opts.memoryLines ?? 500;
    this.#log = opts.log ?? silentLogger;
  }

  /** Queues lines (and the cursor after them) for a run's file; writes happen in the background, in order. */
  append(runId: string, lines: string[], cursor?: string): void {
    if (lines.length === 0) return;
    const live = this.#liveLog(runId);
    live.pending.push(...lines);
    if (cursor) live.cursor = cursor;
    live.recent.push(...lines);
    if (live.recent.length > this.#memoryLines) live.recent.splice(0, live.recent.length - this.#memoryLines);
    if (!live.writeQueued) {
      live.writeQueued = true;
      live.chain = live.chain.then(() => this.#writePending(runId, live));
    }
  }

  /** Cuts the run's file back to its last commit record; returns its cursor and the lines after `applied`. */
  resume(runId: string, applied?: string): Promise<ResumedLog> {
    const live = this.#liveLog(runId);
    const resumed = live.chain.then(() =>
      this.#resumeNow(runId, live, applied).catch((error: unknown): ResumedLog => {
        this.#log.warn('could not read where the archived log stops', { runId, error });
        return { missed: [] };
      }),
    );
    live.chain = resumed.then(() => {});
    return resumed;
  }

  /** The last n lines: from memory for a live run when it has enough, else from the file. */
  async tail(runId: string, n: number): Promise<string[]> {
    const live = this.#live.get(runId);
    if (live && live.recent.length >= n) return live.recent.slice(-n);
    if (live) await live.chain;
    const text = await this.read(runId);
    if (text === undefined) return live ? live.recent.slice(-n) : [];
    return splitLines(text).slice(-n);
  }

  /** The whole archived log, or undefined when there is none. */
  async read(runId: string): Promise<string | undefined> {
    await this.#live.get(runId)?.chain;
    try {
      return await readFile(this.#file(runId), 'utf8');
    } catch {
      return undefined;
    }
  }

  /** Writes what is queued for a finished run and forgets it (its file stays). */
  async finish(runId: string): Promise<void> {
    const live = this.#live.get(runId);
    if (!live) return;
    await live.chain;
    if (this.#live.get(runId) === live && !live.writeQueued) this.#live.delete(runId);
  }

  /** Deletes a run's log (its run was pruned from the store). */
  async remove(runId: string): Promise<void> {
    const live = this.#live.get(runId);
    this.#live.delete(runId);
    await live?.chain;
    await unlink(this.#file(runId)).catch(() => {});
    await removeLogCommit(this.#file(runId));
  }

  /** Waits until everything queued so far is on disk. */
  async flush(): Promise<void> {
    await Promise.all([...this.#live.values()].map((l) => l.chain));
  }

  #file(runId: string): string {
    // Run ids are `r-` + base36; anything else is reduced to safe characters so it stays in the folder.
    return join(this.dir, `${runId.replace(/[^A-Za-z0-9_-]/g, '_')}.log`);
  }

  #liveLog(runId: string): LiveLog {
    let live = this.#live.get(runId);
    if (!live) {
      this.#ready ??= mkdir(this.dir, { recursive: true });
      live = { recent: [], pending: [], chain: this.#ready.then(() => {}), writeQueued: false, points: [] };
      this.#live.set(runId, live);
    }
    return live;
  }

  async #writePending(runId: string, live: LiveLog): Promise<void> {
    live.writeQueued = false;
    const lines = live.pending.splice(0);
    // The cursor given with the last of these lines (later appends may change live.cursor meanwhile).
    const cursor = live.cursor;
    if (lines.length === 0) return;
    const file = this.#file(runId);
    const chunk = lines.map((l) => `${l}\n`).join('');
    try {
      // After a restart the file may already hold this run's earlier lines: continue it.
      live.size ??= await stat(file).then(
        (s) => s.size,
        () => 0,
      );
      // The place before the first lines with a cursor: a store that has none stands there.
      if (cursor && live.points.length === 0) live.points.push({ bytes: live.size });
      await appendFile(file, chunk, 'utf8');
      live.size += Buffer.byteLength(chunk);
      // Only now is the cursor saved: a crash before this line leaves lines past the record, which resume cuts.
      if (cursor) await this.#commit(file, live, { cursor, bytes: live.size });
      if (live.size > this.#maxBytes) {
        live.size = await this.#compact(file);
        // Earlier places in the file moved: only the newest is known again.
        live.points = [];
        if (cursor) await this.#commit(file, live, { cursor, bytes: live.size });
      }
    } catch (error) {
      this.#log.warn('could not archive log lines', { runId, error });
    }
  }

  async #commit(file: string, live: LiveLog, point: Required<LogPoint>): Promise<void> {
    live.points.push(point);
    if (live.points.length > KEPT_POINTS + 1) live.points.splice(0, live.points.length - KEPT_POINTS - 1);
    await writeLogCommit(file, { ...point, earlier: live.points.slice(0, -1) });
  }

  async #resumeNow(runId: string, live: LiveLog, applied: string | undefined): Promise<ResumedLog> {
    const file = this.#file(runId);
    const commit = await readLogCommit(file);
    if (!commit) return { missed: [] };
    const size = await stat(file).then(
      (s) => s.size,
      () => 0,
    );
    if (size > commit.bytes) {
      // Written just before a crash, their cursor never saved: the runtime sends them again.
      await truncate(file, commit.bytes);
      this.#log.info('dropped log lines whose cursor was not saved', { runId, bytes: size - commit.bytes });
    } else if (size < commit.bytes) {
      // Compacted after the commit, and the crash came before its record was rewritten: the file
      // holds exactly the committed lines.
      commit.earlier = [];
      commit.bytes = size;
      await writeLogCommit(file, commit);
    }
    live.size = Math.min(size, commit.bytes);
    live.points = [...commit.earlier, { cursor: commit.cursor, bytes: commit.bytes }];
    // Lines appended meanwhile (queued behind this) brought a newer cursor: that one goes with them.
    live.cursor ??= commit.cursor;
    return { cursor: commit.cursor, missed: await this.#missed(runId, file, live.points, applied) };
  }

  /**
   * The committed lines after the place whose cursor is `applied` (the last that came with that
   * cursor: lines without one that followed it are taken as applied too, never twice).
   */
  async #missed(
    runId: string,
    file: string,
    points: LogPoint[],
    applied: string | undefined,
  ): Promise<string[]> {
    const end = points[points.length - 1].bytes;
    const from = [...points].reverse().find((point) => point.cursor === applied);
    if (!from) {
      // Too far back, or ahead (its lines' write was cut by the crash): the runtime resends from the record.
      this.#log.warn('the stored run stands at a log cursor the archive does not know', { runId, applied });
      return [];
    }
    if (from.bytes >= end) return [];
    const handle = await open(file, 'r');
    try {
      const chunk = Buffer.alloc(end - from.bytes);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, from.bytes);
      return splitLines(chunk.subarray(0, bytesRead).toString('utf8'));
    } finally {
      await handle.close();
    }
  }

  /**
   * Rewrites a too-long file as head + "N lines left out" + the latest lines, leaving room for
   * more output before the next compaction. Returns the new size.
   */
  async #compact(file: string): Promise<number> {
    const lines = splitLines(await readFile(file, 'utf8'));
    const head: string[] = [];
    let headSize = 0;
    let i = 0;
    for (; i < lines.length; i++) {
      const size = Buffer.byteLength(lines[i]) + 1;
      if (headSize + size > this.#headBytes) break;
      head.push(lines[i]);
      headSize += size;
    }
    let omitted = 0;
    const earlier = MARKER.exec(lines[i] ?? '');
    if (earlier) {
      omitted += Number(earlier[1]);
      i++;
    }
    // Keep the latest lines up to half of what is left, so compaction happens rarely.
    const tailBudget = Math.floor((this.#maxBytes - this.#headBytes) / 2);
    let start = lines.length;
    let tailSize = 0;
    while (start > i) {
      const size = Buffer.byteLength(lines[start - 1]) + 1;
      if (tailSize + size > tailBudget) break;
      tailSize += size;
      start--;
    }
    omitted += start - i;
    const marker = `[trainyard] ${omitted} lines left out here (log longer than ${(this.#maxBytes / 1024 / 1024).toFixed(1)} MB)`;
    const text = [...head, marker, ...lines.slice(start)].map((l) => `${l}\n`).join('');
    const tmp = `${file}.tmp`;
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, file);
    return Buffer.byteLength(text);
  }
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

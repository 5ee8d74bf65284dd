import { appendFile, mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogArchive } from '../../ports/log-archive.ts';
import { type Logger, silentLogger } from '../../shared/log.ts';

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
  /** Writes for one run happen one after another, in order. */
  chain: Promise<void>;
  writeQueued: boolean;
}

const MARKER = /^\[trainyard\] (\d+) lines left out here \(log longer than [\d.]+ MB\)$/;

/**
 * Full logs of runs, one file per run at `<dataDir>/logs/<runId>.log`. Lines are written as they
 * arrive (so a restart keeps them and continues the same file). When a file would pass maxBytes
 * it is compacted to its head, a line saying how many lines were left out, and its latest lines,
 * so no run's log grows without bound.
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

  /** Queues lines for a run's file; writes happen in the background, in order. */
  append(runId: string, lines: string[]): void {
    if (lines.length === 0) return;
    const live = this.#liveLog(runId);
    live.pending.push(...lines);
    live.recent.push(...lines);
    if (live.recent.length > this.#memoryLines) live.recent.splice(0, live.recent.length - this.#memoryLines);
    if (!live.writeQueued) {
      live.writeQueued = true;
      live.chain = live.chain.then(() => this.#writePending(runId, live));
    }
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
      live = { recent: [], pending: [], chain: this.#ready.then(() => {}), writeQueued: false };
      this.#live.set(runId, live);
    }
    return live;
  }

  async #writePending(runId: string, live: LiveLog): Promise<void> {
    live.writeQueued = false;
    const lines = live.pending.splice(0);
    if (lines.length === 0) return;
    const file = this.#file(runId);
    const chunk = lines.map((l) => `${l}\n`).join('');
    try {
      // After a restart the file may already hold this run's earlier lines: continue it.
      live.size ??= await stat(file).then(
        (s) => s.size,
        () => 0,
      );
      await appendFile(file, chunk, 'utf8');
      live.size += Buffer.byteLength(chunk);
      if (live.size > this.#maxBytes) live.size = await this.#compact(file);
    } catch (error) {
      this.#log.warn('could not archive log lines', { runId, error });
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

import { open, readFile, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type Adapter, Low } from 'lowdb';
import { StoreError } from './StoreError.ts';

/**
 * A lowdb adapter for bytes: the store assembles the live file from each record's cached bytes
 * (live-document.ts), so a write neither encodes nor copies 400 KB on the event loop: the chunks
 * go to the kernel as they are (writev). Written the way lowdb's own writer (steno) writes: a
 * temp file beside it, then a rename over the file, so the file is whole at every moment, a
 * kill -9 included. Read, it is one buffer.
 */
class AtomicBytesFile implements Adapter<Buffer[] | null> {
  readonly #temp: string;

  constructor(readonly file: string) {
    this.#temp = join(dirname(file), `.${basename(file)}.tmp`);
  }

  async read(): Promise<Buffer[] | null> {
    try {
      return [await readFile(this.file)];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async write(chunks: Buffer[] | null): Promise<void> {
    if (chunks === null) return;
    const handle = await open(this.#temp, 'w');
    try {
      const { bytesWritten } = await handle.writev(chunks);
      // libuv stops short without an error when the disk fills mid-way; never rename that in.
      const size = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
      if (bytesWritten !== size)
        throw new Error(`wrote ${bytesWritten} of ${size} bytes (is the disk full?)`);
    } finally {
      await handle.close();
    }
    await rename(this.#temp, this.file);
  }
}

/** The live file on lowdb. The store encodes and checks the contents itself (read-live-file.ts). */
export class LiveFile {
  readonly #db: Low<Buffer[] | null>;

  constructor(readonly file: string) {
    this.#db = new Low<Buffer[] | null>(new AtomicBytesFile(file), null);
  }

  /** The file's text; undefined when there is no file yet (an empty file is text to refuse). */
  async read(): Promise<string | undefined> {
    try {
      // Low.read keeps its default (null) when the adapter finds no file.
      await this.#db.read();
    } catch (error) {
      throw new StoreError(
        `${this.file} cannot be read (${(error as Error).message}); fix or move it away — Trainyard will not overwrite it.`,
      );
    }
    return this.#db.data?.map((chunk) => chunk.toString('utf8')).join('');
  }

  write(chunks: Buffer[]): Promise<void> {
    this.#db.data = chunks;
    return this.#db.write();
  }
}

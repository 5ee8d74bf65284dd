import { Low } from 'lowdb';
import { DataFile } from 'lowdb/node';
import { StoreError } from './StoreError.ts';

interface LiveText {
  text: string;
}

/**
 * The live file on lowdb. The store encodes and checks the text itself (live-document.ts,
 * read-live-file.ts); lowdb's writer (steno) writes a temp file and renames it over the file, so
 * the file is never half-written.
 */
export class LiveFile {
  readonly #db: Low<LiveText | null>;

  constructor(readonly file: string) {
    // Text wrapped in an object, so an empty file reads as text to refuse, not as no file at all.
    const adapter = new DataFile<LiveText | null>(file, {
      parse: (text) => ({ text }),
      stringify: (data) => data?.text ?? '',
    });
    this.#db = new Low<LiveText | null>(adapter, null);
  }

  /** The file's text; undefined when there is no file yet. */
  async read(): Promise<string | undefined> {
    try {
      await this.#db.read();
    } catch (error) {
      throw new StoreError(
        `${this.file} cannot be read (${(error as Error).message}); fix or move it away — Trainyard will not overwrite it.`,
      );
    }
    return this.#db.data?.text;
  }

  write(text: string): Promise<void> {
    this.#db.data = { text };
    return this.#db.write();
  }
}

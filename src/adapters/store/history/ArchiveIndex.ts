/** Where one archived record's line is: its segment, byte offset and length (without the newline). */
export interface ArchivedEntry {
  id: string;
  number: number;
  owner: string | undefined;
  segment: number;
  offset: number;
  length: number;
}

/**
 * Numbers in the order they were archived, sorted only when asked for newest first: records
 * are archived roughly in number order, so a sort is rare and cheap.
 */
class NumberList {
  #numbers: number[] = [];
  #sorted = true;

  add(n: number): void {
    const numbers = this.#numbers;
    if (numbers.length > 0 && n < numbers[numbers.length - 1]) this.#sorted = false;
    numbers.push(n);
  }

  keep(wanted: (n: number) => boolean): void {
    this.#numbers = this.#numbers.filter(wanted);
  }

  get size(): number {
    return this.#numbers.length;
  }

  *newestFirst(): Generator<number> {
    if (!this.#sorted) {
      this.#numbers.sort((a, b) => a - b);
      this.#sorted = true;
    }
    const numbers = this.#numbers;
    for (let i = numbers.length - 1; i >= 0; i--) yield numbers[i];
  }
}

/**
 * The in-memory index over every history segment of one record kind: by id, by number, and each
 * owner's numbers (a person's latest results without reading any segment). A record archived
 * twice (saved again after it was archived, or a crash between its append and the live write)
 * points at its newest line. Start-up fills it with every archived record (100,000 at the most
 * tested), so adding is kept to a few plain operations per record.
 */
export class ArchiveIndex {
  readonly #byId = new Map<string, ArchivedEntry>();
  /** By number: record numbers are small, dense integers, which an array indexes faster than a Map. */
  readonly #byNumber: (ArchivedEntry | undefined)[] = [];
  readonly #all = new NumberList();
  readonly #byOwner = new Map<string, NumberList>();
  /** Records whose newest line is in each segment. */
  readonly #perSegment = new Map<number, number>();

  get size(): number {
    return this.#byId.size;
  }

  get(id: string): ArchivedEntry | undefined {
    return this.#byId.get(id);
  }

  getByNumber(n: number): ArchivedEntry | undefined {
    return Number.isSafeInteger(n) && n > 0 ? this.#byNumber[n] : undefined;
  }

  highestNumber(): number {
    for (const n of this.#all.newestFirst()) return n;
    return 0;
  }

  countIn(segment: number): number {
    return this.#perSegment.get(segment) ?? 0;
  }

  /** Adds lines of one segment, in the order they are in it. */
  add(entries: ArchivedEntry[]): void {
    if (entries.length === 0) return;
    for (const entry of entries) {
      // A record keeps its number for life, so an earlier line of it is found by number.
      const previous = this.#byNumber[entry.number];
      if (previous === undefined) {
        this.#all.add(entry.number);
        if (entry.owner !== undefined) this.#ownerList(entry.owner).add(entry.number);
      } else {
        this.#perSegment.set(previous.segment, this.countIn(previous.segment) - 1);
        if (previous.id !== entry.id) this.#byId.delete(previous.id);
      }
      this.#byId.set(entry.id, entry);
      this.#byNumber[entry.number] = entry;
    }
    const segment = entries[0].segment;
    this.#perSegment.set(segment, this.countIn(segment) + entries.length);
  }

  /** Forgets the records whose newest line is in this segment; returns them. */
  removeSegment(segment: number): ArchivedEntry[] {
    const removed: ArchivedEntry[] = [];
    for (const entry of this.#byId.values()) if (entry.segment === segment) removed.push(entry);
    for (const entry of removed) {
      this.#byId.delete(entry.id);
      this.#byNumber[entry.number] = undefined;
    }
    this.#perSegment.delete(segment);
    const known = (n: number) => this.#byNumber[n] !== undefined;
    this.#all.keep(known);
    for (const [owner, list] of this.#byOwner) {
      list.keep(known);
      if (list.size === 0) this.#byOwner.delete(owner);
    }
    return removed;
  }

  /** Archived numbers, newest first; only the owner's when one is given. */
  numbersNewestFirst(owner?: string): Iterable<number> {
    if (owner === undefined) return this.#all.newestFirst();
    return this.#byOwner.get(owner)?.newestFirst() ?? [];
  }

  #ownerList(owner: string): NumberList {
    let list = this.#byOwner.get(owner);
    if (!list) {
      list = new NumberList();
      this.#byOwner.set(owner, list);
    }
    return list;
  }
}

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
    const last = this.#numbers.at(-1);
    if (last !== undefined && n < last) this.#sorted = false;
    this.#numbers.push(n);
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
 * points at its newest line.
 */
export class ArchiveIndex {
  readonly #byId = new Map<string, ArchivedEntry>();
  readonly #byNumber = new Map<number, ArchivedEntry>();
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
    return this.#byNumber.get(n);
  }

  highestNumber(): number {
    for (const n of this.#all.newestFirst()) return n;
    return 0;
  }

  countIn(segment: number): number {
    return this.#perSegment.get(segment) ?? 0;
  }

  add(entry: ArchivedEntry): void {
    const previous = this.#byId.get(entry.id);
    if (previous) {
      this.#perSegment.set(previous.segment, this.countIn(previous.segment) - 1);
      if (previous.number !== entry.number) this.#byNumber.delete(previous.number);
    }
    const sameNumber = this.#byNumber.get(entry.number);
    if (sameNumber && sameNumber.id !== entry.id) {
      // Two records cannot share a number; the newer line wins, as for one record archived twice.
      this.#byId.delete(sameNumber.id);
      this.#perSegment.set(sameNumber.segment, this.countIn(sameNumber.segment) - 1);
    }
    this.#byId.set(entry.id, entry);
    if (!sameNumber && (!previous || previous.number !== entry.number)) {
      this.#all.add(entry.number);
      if (entry.owner !== undefined) this.#ownerList(entry.owner).add(entry.number);
    }
    this.#byNumber.set(entry.number, entry);
    this.#perSegment.set(entry.segment, this.countIn(entry.segment) + 1);
  }

  /** Forgets the records whose newest line is in this segment; returns them. */
  removeSegment(segment: number): ArchivedEntry[] {
    const removed: ArchivedEntry[] = [];
    for (const entry of this.#byId.values()) if (entry.segment === segment) removed.push(entry);
    for (const entry of removed) {
      this.#byId.delete(entry.id);
      this.#byNumber.delete(entry.number);
    }
    this.#perSegment.delete(segment);
    const known = (n: number) => this.#byNumber.has(n);
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

/** Where one archived record's line is: its segment, byte offset and length (without the newline). */
export interface ArchivedEntry {
  id: string;
  number: number;
  owner: string | undefined;
  segment: number;
  offset: number;
  length: number;
}

/** One segment's lines as columns, as its sidecar stores them; row i is the segment's i-th record. */
export interface SegmentRows {
  segment: number;
  ids: string[];
  numbers: number[];
  owners: (string | undefined)[];
  offsets: number[];
  lengths: number[];
}

export const emptyRows = (segment: number): SegmentRows => ({
  segment,
  ids: [],
  numbers: [],
  owners: [],
  offsets: [],
  lengths: [],
});

/**
 * Numbers in the order they were added, sorted only when asked for newest first: records are
 * archived roughly in number order, so a sort is rare and cheap.
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
 * The in-memory index over every history segment of one record kind. A record archived twice
 * (saved again after it was archived, or a crash between its append and the live write) points
 * at its newest line; a record keeps its number for life, so that is tracked by number.
 *
 * Start-up fills it with every archived record (100,000 and more), so it keeps each segment's
 * columns as read and two typed arrays by number, and creates no object per record. The lookups
 * by id and by owner need maps of strings: they are built after start-up, a segment per turn of
 * the event loop (warmUp), or at once by the first lookup that needs them.
 */
export class ArchiveIndex {
  readonly #rows = new Map<number, SegmentRows>();
  /** By record number: the segment (0: not archived) and row of its newest line. */
  readonly #at = new Locations();
  #size = 0;
  #highest = 0;
  readonly #perSegment = new Map<number, number>();
  /** Id → number and owner → numbers, once built; segments still to go into them. */
  #byId: Map<string, number> | undefined;
  #byOwner: Map<string, NumberList> | undefined;
  #unmapped: number[] = [];

  get size(): number {
    return this.#size;
  }

  countIn(segment: number): number {
    return this.#perSegment.get(segment) ?? 0;
  }

  highestNumber(): number {
    return this.#highest;
  }

  /** Whether record `n` is archived, without building its entry. */
  has(n: number): boolean {
    return Number.isSafeInteger(n) && n > 0 && this.#at.segment(n) !== 0;
  }

  getByNumber(n: number): ArchivedEntry | undefined {
    if (!Number.isSafeInteger(n) || n <= 0) return undefined;
    const segment = this.#at.segment(n);
    if (segment === 0) return undefined;
    const rows = this.#rows.get(segment) as SegmentRows;
    const i = this.#at.row(n);
    const { ids, owners, offsets, lengths } = rows;
    return { id: ids[i], number: n, owner: owners[i], segment, offset: offsets[i], length: lengths[i] };
  }

  get(id: string): ArchivedEntry | undefined {
    const n = this.#maps().byId.get(id);
    return n === undefined ? undefined : this.getByNumber(n);
  }

  /** Archived numbers, newest first; only the owner's when one is given. */
  numbersNewestFirst(owner?: string): Iterable<number> {
    if (owner !== undefined) return this.#maps().byOwner.get(owner)?.newestFirst() ?? [];
    return this.#allNewestFirst();
  }

  /**
   * Indexes rows from..end of a segment's columns (a whole segment at start-up, the lines just
   * appended afterwards). The columns object is kept, not copied.
   */
  add(rows: SegmentRows, from = 0): void {
    const { segment, numbers } = rows;
    this.#rows.set(segment, rows);
    for (let i = from; i < numbers.length; i++) {
      const n = numbers[i];
      const previous = this.#at.segment(n);
      if (previous === 0) this.#size++;
      else this.#perSegment.set(previous, this.countIn(previous) - 1);
      this.#at.set(n, segment, i);
      if (n > this.#highest) this.#highest = n;
    }
    this.#perSegment.set(segment, this.countIn(segment) + numbers.length - from);
    // Maps being built or built: these lines are the newest, so they go in now.
    if (this.#byId) this.#map(rows, from);
  }

  /** Forgets the records whose newest line is in this segment; returns them. */
  removeSegment(segment: number): ArchivedEntry[] {
    const rows = this.#rows.get(segment);
    if (!rows) return [];
    const removed: ArchivedEntry[] = [];
    rows.numbers.forEach((n, i) => {
      if (!this.#at.is(n, segment, i)) return;
      removed.push(this.getByNumber(n) as ArchivedEntry);
      this.#at.set(n, 0, 0);
      this.#size--;
      this.#byId?.delete(rows.ids[i]);
    });
    this.#rows.delete(segment);
    this.#perSegment.delete(segment);
    this.#unmapped = this.#unmapped.filter((s) => s !== segment);
    for (const list of this.#byOwner?.values() ?? []) list.keep((n) => this.#at.segment(n) !== 0);
    if (this.#at.segment(this.#highest) === 0) this.#highest = this.#at.highest(this.#highest);
    return removed;
  }

  /** Builds the id and owner maps a segment per event-loop turn, so start-up does not wait for them. */
  async warmUp(): Promise<void> {
    this.#startMaps();
    while (this.#unmapped.length > 0) {
      this.#mapNextSegment();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  #startMaps(): void {
    if (this.#byId) return;
    this.#byId = new Map();
    this.#byOwner = new Map();
    this.#unmapped = [...this.#rows.keys()].sort((a, b) => a - b);
  }

  #maps(): { byId: Map<string, number>; byOwner: Map<string, NumberList> } {
    this.#startMaps();
    while (this.#unmapped.length > 0) this.#mapNextSegment();
    return { byId: this.#byId as Map<string, number>, byOwner: this.#byOwner as Map<string, NumberList> };
  }

  #mapNextSegment(): void {
    const segment = this.#unmapped.shift() as number;
    const rows = this.#rows.get(segment);
    if (rows) this.#map(rows, 0);
  }

  /** Puts rows that hold their record's newest line into the id and owner maps. */
  #map(rows: SegmentRows, from: number): void {
    const byId = this.#byId as Map<string, number>;
    const byOwner = this.#byOwner as Map<string, NumberList>;
    const { segment, ids, numbers, owners } = rows;
    for (let i = from; i < numbers.length; i++) {
      const n = numbers[i];
      if (!this.#at.is(n, segment, i)) continue;
      if (byId.get(ids[i]) === n) continue;
      byId.set(ids[i], n);
      const owner = owners[i];
      if (owner === undefined) continue;
      let list = byOwner.get(owner);
      if (!list) {
        list = new NumberList();
        byOwner.set(owner, list);
      }
      list.add(n);
    }
  }

  *#allNewestFirst(): Generator<number> {
    yield* this.#at.numbersDescending(this.#highest);
  }
}

/** Numbers below this are kept in typed arrays (8 bytes each); any above, rare, in a Map. */
const DENSE_LIMIT = 1 << 24;

/** Segment and row by record number: typed arrays, since numbers are small dense integers. */
class Locations {
  #segments = new Int32Array(1024);
  #rows = new Int32Array(1024);
  readonly #sparse = new Map<number, [segment: number, row: number]>();

  segment(n: number): number {
    if (n >= DENSE_LIMIT) return this.#sparse.get(n)?.[0] ?? 0;
    return n < this.#segments.length ? this.#segments[n] : 0;
  }

  row(n: number): number {
    return n >= DENSE_LIMIT ? (this.#sparse.get(n)?.[1] ?? 0) : this.#rows[n];
  }

  is(n: number, segment: number, row: number): boolean {
    return this.segment(n) === segment && this.row(n) === row;
  }

  set(n: number, segment: number, row: number): void {
    if (n >= DENSE_LIMIT) {
      if (segment === 0) this.#sparse.delete(n);
      else this.#sparse.set(n, [segment, row]);
      return;
    }
    if (n >= this.#segments.length) this.#grow(n);
    this.#segments[n] = segment;
    this.#rows[n] = row;
  }

  /** Numbers held, from `highest` down. */
  *numbersDescending(highest: number): Generator<number> {
    yield* [...this.#sparse.keys()].filter((n) => n <= highest).sort((a, b) => b - a);
    for (let n = Math.min(highest, this.#segments.length - 1); n > 0; n--)
      if (this.#segments[n] !== 0) yield n;
  }

  /** The highest number held at or below `n` (0 when none). */
  highest(n: number): number {
    for (const held of this.numbersDescending(n)) return held;
    return 0;
  }

  #grow(n: number): void {
    const size = Math.min(DENSE_LIMIT, Math.max(n + 1, this.#segments.length * 2));
    const segments = new Int32Array(size);
    const rows = new Int32Array(size);
    segments.set(this.#segments);
    rows.set(this.#rows);
    this.#segments = segments;
    this.#rows = rows;
  }
}

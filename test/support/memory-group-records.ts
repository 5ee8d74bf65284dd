import type { GroupKind } from '../../src/adapters/store/group-kinds.ts';
import type { GroupRecords } from '../../src/ports/store.ts';

/**
 * Group records (sweeps, pipelines) kept in memory for MemoryStore, copied in and out like every
 * stored value, with no history tier: every record stays live. FileStore keeps them in two tiers
 * (src/adapters/store/GroupHistory.ts); the store contract suite holds both to the same behaviours.
 */
export class MemoryGroupRecords<T extends object> implements GroupRecords<T> {
  readonly #byId = new Map<string, T>();

  constructor(
    private readonly kind: GroupKind<T>,
    /** Told each saved record's number: it comes from the run sequence, which must pass it. */
    private readonly saved: (number: number) => void,
  ) {}

  get(id: string): T | undefined {
    return copy(this.#byId.get(id));
  }

  getByNumber(n: number): T | undefined {
    return copy([...this.#byId.values()].find((r) => this.kind.number(r) === n));
  }

  async load(id: string): Promise<T | undefined> {
    return this.get(id);
  }

  async loadByNumber(n: number): Promise<T | undefined> {
    return this.getByNumber(n);
  }

  list(filter: { active?: boolean; limit?: number } = {}): T[] {
    let records = this.#newestFirst();
    if (filter.active !== undefined) records = records.filter((r) => this.kind.ended(r) !== filter.active);
    return records.slice(0, filter.limit ?? records.length).map((r) => structuredClone(r));
  }

  async loadNewest(query: { owner?: string; before?: number; limit: number }): Promise<T[]> {
    const { owner, before, limit } = query;
    return this.#newestFirst()
      .filter((r) => owner === undefined || this.kind.owner(r) === owner)
      .filter((r) => before === undefined || this.kind.number(r) < before)
      .slice(0, limit)
      .map((r) => structuredClone(r));
  }

  /** Refuses what FileStore refuses (a record it could not read back), so tests fail alike. */
  save(record: T): void {
    const decoded = this.kind.decode(record);
    if ('error' in decoded)
      throw new TypeError(`${this.kind.name} record cannot be stored (${decoded.error}).`);
    this.#byId.set(this.kind.id(record), structuredClone(record));
    this.saved(this.kind.number(record));
  }

  #newestFirst(): T[] {
    return [...this.#byId.values()].sort((a, b) => this.kind.number(b) - this.kind.number(a));
  }
}

function copy<T>(value: T | undefined): T | undefined {
  return value === undefined ? undefined : structuredClone(value);
}

import type { GroupRecords } from '../../ports/store.ts';

/** How to tell one kind of group record apart: its id, number, owner and whether it has ended. */
export interface GroupKind<T> {
  id(record: T): string;
  number(record: T): number;
  owner(record: T): string;
  ended(record: T): boolean;
}

/**
 * Group records (sweeps, pipelines) kept in memory, copied in and out like every stored value.
 * The in-memory test store uses it; FileStore keeps its groups in the live file with it until
 * they get history segments of their own like runs.
 */
export class MemoryGroupRecords<T extends object> implements GroupRecords<T> {
  readonly #byId = new Map<string, T>();

  constructor(
    private readonly kind: GroupKind<T>,
    private readonly changed: () => void = () => {},
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

  save(record: T): void {
    this.#byId.set(this.kind.id(record), structuredClone(record));
    this.changed();
  }

  /** Every record, for writing them out. */
  all(): T[] {
    return [...this.#byId.values()];
  }

  #newestFirst(): T[] {
    return [...this.#byId.values()].sort((a, b) => this.kind.number(b) - this.kind.number(a));
  }
}

function copy<T>(value: T | undefined): T | undefined {
  return value === undefined ? undefined : structuredClone(value);
}

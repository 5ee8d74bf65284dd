/** Keys in the order they were claimed, with their JSON once the chunk is full or unchanged. */
interface Chunk {
  entries: [key: string, expiresAt: number][];
  line?: Buffer;
}

/**
 * Idempotency keys (Slack retries, button presses) and when each expires. The live file holds up
 * to 10,000 of them, and encoding them all for every write cost 20+ ms of the event loop, so they
 * are kept in chunks of claim order, each encoded once: a write encodes only the newest chunk.
 * A chunk goes when all its keys have expired (an expired key is no longer counted as claimed
 * meanwhile), or, past the limit, the oldest chunk goes first.
 */
export class ClaimedKeys {
  readonly #expiry = new Map<string, number>();
  readonly #chunks: Chunk[] = [];
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #chunkSize: number;

  constructor(opts: { ttlMs: number; max: number; chunkSize?: number }) {
    this.#ttlMs = opts.ttlMs;
    this.#max = opts.max;
    this.#chunkSize = opts.chunkSize ?? 250;
  }

  get size(): number {
    return this.#expiry.size;
  }

  /** Loads stored keys (any order), leaving out the expired ones. */
  load(stored: Record<string, number>, now: number): void {
    const entries = Object.entries(stored)
      .filter(([, expiresAt]) => expiresAt > now)
      .sort((a, b) => a[1] - b[1]);
    for (const [key, expiresAt] of entries) this.#add(key, expiresAt);
    this.#bound();
  }

  /** True the first time a key is claimed (and again once its claim expired); false otherwise. */
  claim(key: string, now: number): boolean {
    const expiresAt = this.#expiry.get(key);
    if (expiresAt !== undefined && expiresAt > now) return false;
    this.#add(key, now + this.#ttlMs);
    this.#dropExpired(now);
    this.#bound();
    return true;
  }

  /** The keys as lines of a JSON object's members (`"k":1767225600000,"k2":…`), UTF-8. */
  lines(now: number): Buffer[] {
    this.#dropExpired(now);
    return this.#chunks.map((chunk) => {
      chunk.line ??= Buffer.from(chunk.entries.map(([k, at]) => `${JSON.stringify(k)}:${at}`).join(','));
      return chunk.line;
    });
  }

  #add(key: string, expiresAt: number): void {
    // A key claimed again moves to the end; its old entry stays in its chunk (harmless: in the
    // file the later member wins) and is not deleted with that chunk, since its expiry differs.
    this.#expiry.delete(key);
    this.#expiry.set(key, expiresAt);
    let last = this.#chunks.at(-1);
    if (!last || last.entries.length >= this.#chunkSize) {
      last = { entries: [] };
      this.#chunks.push(last);
    }
    last.entries.push([key, expiresAt]);
    last.line = undefined;
  }

  #dropExpired(now: number): void {
    while (this.#chunks.length > 0 && this.#chunks[0].entries.every(([, at]) => at <= now)) {
      this.#dropFirstChunk();
    }
  }

  #bound(): void {
    while (this.#expiry.size > this.#max && this.#chunks.length > 0) this.#dropFirstChunk();
  }

  #dropFirstChunk(): void {
    const chunk = this.#chunks.shift();
    for (const [key, at] of chunk?.entries ?? []) {
      if (this.#expiry.get(key) === at) this.#expiry.delete(key);
    }
  }
}

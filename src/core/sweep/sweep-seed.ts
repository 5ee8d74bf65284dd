/**
 * The seed of a sweep that was given no `--seed`: derived from its id (FNV-1a, 32 bits), so it
 * is fixed for the sweep's life and a restart reproduces every suggestion.
 */
export function seedFromSweepId(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

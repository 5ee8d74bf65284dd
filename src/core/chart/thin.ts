/**
 * Keeps at most `max` items of a long list, evenly spread over it, always keeping the first and
 * last items and the ones at the indices in `keep` (e.g. a series' lowest and highest points, so
 * thinning never hides the best value). Order is preserved. `max` below the number of kept
 * items is raised to it: the kept points matter more than the count.
 */
export function thinEvenly<T>(items: readonly T[], max: number, keep: Iterable<number> = []): T[] {
  const n = items.length;
  if (n <= max) return [...items];
  const chosen = new Set<number>([0, n - 1]);
  for (const i of keep) if (Number.isInteger(i) && i >= 0 && i < n) chosen.add(i);
  // Picks spaced more than one index apart never round to the same index; one that lands on an
  // already kept index is simply absorbed, so the result may hold a few less than `max`.
  const room = Math.floor(max) - chosen.size;
  for (let k = 1; k <= room; k++) chosen.add(Math.round((k * (n - 1)) / (room + 1)));
  return [...chosen].sort((a, b) => a - b).map((i) => items[i]);
}

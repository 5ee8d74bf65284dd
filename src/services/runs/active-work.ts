import type { Run, RunParent } from '../../core/run/run.ts';

/**
 * How many runs of `user` count against the policy's concurrent-runs limit: runs that share a
 * parent (a sweep's trials) count as one, and the parent asking for its next child (`parent`) is
 * not counted again.
 */
export function activeWorkOf(active: readonly Run[], user: string, parent?: RunParent): number {
  const units = new Set<string>();
  const own = parent && `${parent.kind}:${parent.id}`;
  for (const run of active) {
    if (run.launchedBy !== user) continue;
    const unit = run.parent ? `${run.parent.kind}:${run.parent.id}` : run.id;
    if (unit === own) continue;
    units.add(unit);
  }
  return units.size;
}

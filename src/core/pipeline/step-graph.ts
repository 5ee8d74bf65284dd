/**
 * The graph of steps by `needs`. Works on plain name → needs maps so it can run on a file that
 * still has problems (unknown needs are ignored here; parse-pipeline reports them).
 */

export type Needs = ReadonlyMap<string, readonly string[]>;

/**
 * One cycle, as the steps in it starting and ending with the same step (`a → b → a`), or
 * undefined when there is none. Steps are visited in map order, so the answer is stable.
 */
export function findCycle(needs: Needs): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (step: string): string[] | undefined => {
    if (state.get(step) === 'done') return undefined;
    if (state.get(step) === 'open') return [...path.slice(path.indexOf(step)), step];
    state.set(step, 'open');
    path.push(step);
    for (const need of needs.get(step) ?? []) {
      if (!needs.has(need)) continue;
      const cycle = visit(need);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(step, 'done');
    return undefined;
  };
  for (const step of needs.keys()) {
    const cycle = visit(step);
    if (cycle) return cycle;
  }
  return undefined;
}

/**
 * Steps so that each comes after everything it needs; among steps ready at the same time, the
 * one earlier in the map first (Kahn's algorithm). Steps on a cycle are left out.
 */
export function topologicalOrder(needs: Needs): string[] {
  const waiting = new Map<string, number>();
  const dependants = new Map<string, string[]>();
  for (const [step, list] of needs) {
    const known = [...new Set(list)].filter((n) => needs.has(n));
    waiting.set(step, known.length);
    for (const need of known) dependants.set(need, [...(dependants.get(need) ?? []), step]);
  }
  const position = new Map([...needs.keys()].map((s, i) => [s, i]));
  const ready = [...needs.keys()].filter((s) => waiting.get(s) === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0));
    const step = ready.shift() as string;
    order.push(step);
    for (const next of dependants.get(step) ?? []) {
      const left = (waiting.get(next) ?? 0) - 1;
      waiting.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  return order;
}

/** Every step `step` needs, directly or further up (cycle-safe; the step itself only if on a cycle). */
export function upstreamOf(step: string, needs: Needs): Set<string> {
  const seen = new Set<string>();
  const stack = [...(needs.get(step) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop() as string;
    if (seen.has(next) || !needs.has(next)) continue;
    seen.add(next);
    stack.push(...(needs.get(next) ?? []));
  }
  return seen;
}

import type { Objective } from '../template/template.ts';

export interface Candidate {
  key: string;
  runId: string;
  outputs: Record<string, string>;
}

/**
 * The run whose objective metric is lowest (goal min) or highest (goal max); runs without a
 * number for it are passed over, and a tie goes to the earlier run in matrix order. Undefined
 * when no run has a number for the metric.
 */
export function pickBest<C extends Candidate>(candidates: readonly C[], objective: Objective): C | undefined {
  let best: C | undefined;
  let bestValue = 0;
  for (const c of candidates) {
    const value = metricValue(ownValue(c.outputs, objective.metric));
    if (value === undefined) continue;
    const better = objective.goal === 'min' ? value < bestValue : value > bestValue;
    if (best === undefined || better) {
      best = c;
      bestValue = value;
    }
  }
  return best;
}

/** A record's own value only: a metric called `constructor` must not find Object's. */
export function ownValue(record: Record<string, string>, name: string): string | undefined {
  return Object.hasOwn(record, name) ? record[name] : undefined;
}

function metricValue(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

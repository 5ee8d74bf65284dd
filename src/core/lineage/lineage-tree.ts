import type { Run } from '../run/run.ts';
import { describeOrigin } from './describe-origin.ts';

/**
 * The chain of runs behind one run, up to its roots, for `/train lineage <run>`: each run's
 * inputs (the runs whose outputs or artifacts it consumed, from run.lineage) are its children.
 * Stored data may be old, partial or even cyclic, so the walk is bounded and never loops.
 */
export type LineageNode =
  | {
      kind: 'run';
      run: Run;
      /** `rerun of #12`, `schedule nightly`, `sweep #57 trial 3`, `pipeline #41 step eval`; absent for a command. */
      origin?: string;
      inputs: LineageNode[];
      /** Inputs left out because the tree reached its depth or size bound. */
      omitted: number;
    }
  /** A run the store no longer keeps (retention), known only by its id. */
  | { kind: 'missing'; runId: string }
  /** A run already shown earlier in the tree (two runs consumed it, or the data has a cycle). */
  | { kind: 'repeat'; runId: string; number: number };

export interface LineageTree {
  root: LineageNode;
  /** How many nodes the tree holds. */
  size: number;
  /** True when some inputs were left out (see `omitted`). */
  truncated: boolean;
}

export interface LineageLimits {
  /** Runs below the root along one path; deeper inputs are omitted. */
  maxDepth: number;
  /** Nodes in the whole tree. */
  maxNodes: number;
}

export const LINEAGE_LIMITS: LineageLimits = { maxDepth: 20, maxNodes: 200 };

export function lineageTree(
  runId: string,
  lookupRun: (id: string) => Run | undefined,
  limits: LineageLimits = LINEAGE_LIMITS,
): LineageTree {
  const shown = new Set<string>();
  let size = 0;
  let truncated = false;
  const numberOf = (id: string) => lookupRun(id)?.number;

  const visit = (id: string, depth: number): LineageNode => {
    size++;
    const run = lookupRun(id);
    if (!run) return { kind: 'missing', runId: id };
    if (shown.has(id)) return { kind: 'repeat', runId: id, number: run.number };
    shown.add(id);
    const node: LineageNode = { kind: 'run', run, inputs: [], omitted: 0 };
    const origin = run.lineage ? describeOrigin(run.lineage.origin, numberOf) : undefined;
    if (origin) node.origin = origin;
    const inputs = [...new Set(run.lineage?.inputs ?? [])];
    for (const input of inputs) {
      if (depth >= limits.maxDepth || size >= limits.maxNodes) {
        node.omitted = inputs.length - node.inputs.length;
        truncated = true;
        break;
      }
      node.inputs.push(visit(input, depth + 1));
    }
    return node;
  };

  const root = visit(runId, 0);
  return { root, size, truncated };
}

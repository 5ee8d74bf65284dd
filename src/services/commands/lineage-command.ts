import type { Command, RunRef } from '../../core/command/command.ts';
import { LINEAGE_LIMITS, lineageTree } from '../../core/lineage/lineage-tree.ts';
import { finalOutputs } from '../../core/pipeline/final-outputs.ts';
import type { Run } from '../../core/run/run.ts';
import type { CommandOutcome } from '../../ports/chat.ts';
import type { Store } from '../../ports/store.ts';
import { answer, type CommandModule, refuse } from './command-module.ts';
import { findRun } from './find-run.ts';

export interface LineageCommandDeps {
  store: Pick<Store, 'loadRun' | 'loadRunByNumber' | 'pipelines'>;
}

/**
 * `/train lineage <run>`: the runs behind a run, up to its roots (the runs whose outputs or
 * artifacts it used, and theirs), each with its template version, params, image and commit;
 * answered only to the asker, like `status`. A pipeline's number answers for its final step.
 */
export class LineageCommand implements CommandModule<'lineage'> {
  readonly verbs = ['lineage'] as const;

  constructor(private readonly deps: LineageCommandDeps) {}

  async handle(command: Extract<Command, { verb: 'lineage' }>): Promise<CommandOutcome> {
    const { store } = this.deps;
    const found = await findRun(store, command.run);
    let rootId: string | undefined = found.ok ? found.run.id : undefined;
    if (!found.ok) {
      const pipeline = await this.pipelineRoot(command.run);
      if (pipeline && 'error' in pipeline) return refuse(pipeline.error);
      if (!pipeline) return refuse(found.error);
      rootId = pipeline.runId;
    }
    const runs = await loadLineageRuns(store, rootId as string);
    return answer({ kind: 'lineage', tree: lineageTree(rootId as string, (id) => runs.get(id)) });
  }

  /** The run a pipeline's number stands for: its final step's run (the best one of a matrix). */
  private async pipelineRoot(ref: RunRef): Promise<{ runId: string } | { error: string } | undefined> {
    if (ref.kind !== 'number') return undefined;
    // loadByNumber looks at the live records before history.
    const record = await this.deps.store.pipelines.loadByNumber(ref.number);
    if (!record) return undefined;
    const [final] = finalOutputs(record.pipeline, record.steps);
    if (final) return { runId: final.runId };
    return {
      error: `Pipeline #${record.number} has no final step that succeeded yet; ask for the lineage of one of its step runs (status ${record.number} lists them).`,
    };
  }
}

/**
 * The runs of a lineage tree, read before the tree is drawn (the tree is built synchronously;
 * older runs are in history): breadth first from the root, as many as the tree may show.
 */
async function loadLineageRuns(
  store: LineageCommandDeps['store'],
  rootId: string,
): Promise<Map<string, Run>> {
  const runs = new Map<string, Run>();
  const looked = new Set<string>();
  const queue = [rootId];
  while (queue.length > 0 && looked.size < LINEAGE_LIMITS.maxNodes) {
    const id = queue.shift() as string;
    if (looked.has(id)) continue;
    looked.add(id);
    const run = await store.loadRun(id);
    if (!run) continue;
    runs.set(id, run);
    queue.push(...(run.lineage?.inputs ?? []));
  }
  return runs;
}

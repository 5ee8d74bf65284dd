import type { RunRef } from '../../core/command/command.ts';
import type { PipelineRun } from '../../core/pipeline/pipeline-run.ts';
import type { Reply } from '../../core/reply.ts';
import type { Run } from '../../core/run/run.ts';
import { sentence, userMention } from '../../core/sentence.ts';
import type { CommandOutcome, Requester } from '../../ports/chat.ts';
import type { Policy } from '../../ports/policy.ts';
import type { Store } from '../../ports/store.ts';
import { answer, type GroupVerb, type NumberedGroup } from '../commands/command-module.ts';
import type { PipelineService } from './PipelineService.ts';

export interface PipelineCommandsDeps {
  store: Pick<Store, 'loadRun' | 'pipelines'>;
  pipelines: Pick<PipelineService, 'stop'>;
  policy: Pick<Policy, 'mayStop'>;
  /** The last log lines of a run, as `logs <run>` answers them. */
  logsOf: (run: Run) => Promise<Reply>;
}

/** `status`, `logs` and `stop` on a pipeline's number (asked when no run has that number). */
export class PipelineCommands implements NumberedGroup {
  constructor(private readonly deps: PipelineCommandsDeps) {}

  async onNumber(verb: GroupVerb, ref: RunRef, from: Requester): Promise<CommandOutcome | undefined> {
    if (ref.kind !== 'number') return undefined;
    // loadByNumber looks at the live records before history.
    const record = await this.deps.store.pipelines.loadByNumber(ref.number);
    if (!record) return undefined;
    switch (verb) {
      case 'status':
        return answer({ kind: 'pipeline', pipeline: record, runs: await this.stepRuns(record) });
      case 'logs':
        return this.logs(record);
      case 'stop':
        return this.stop(record, from.user);
    }
  }

  /** The log that says most: the failed step's, else the newest running step's, else the last one's. */
  private async logs(record: PipelineRun): Promise<CommandOutcome> {
    const runs = await this.stepRuns(record);
    const failed = record.end?.state === 'failed' ? record.steps[record.end.key] : undefined;
    const failedId = failed && 'runId' in failed ? failed.runId : undefined;
    const run =
      runs.find((r) => r.id === failedId) ??
      [...runs].reverse().find((r) => r.state === 'running') ??
      runs.at(-1);
    if (!run) {
      return answer({
        kind: 'info',
        text: `Pipeline #${record.number} has started no step yet, so there is no log to show.`,
      });
    }
    return answer(await this.deps.logsOf(run));
  }

  private async stop(record: PipelineRun, user: string): Promise<CommandOutcome> {
    if (record.end) {
      return answer({
        kind: 'info',
        text: `Pipeline #${record.number} already ended (${record.end.state}); nothing to stop.`,
      });
    }
    if (!this.deps.policy.mayStop(user, record)) {
      return answer({
        kind: 'error',
        text: sentence`Only ${userMention(record.launchedBy)} or an admin can stop pipeline #${record.number}.`,
      });
    }
    await this.deps.pipelines.stop(record.id, user);
    return answer({
      kind: 'info',
      text: `Stopping pipeline #${record.number}: its running steps are stopped and no other step starts.`,
    });
  }

  /** Its step runs that were started, in step order. */
  private async stepRuns(record: PipelineRun): Promise<Run[]> {
    const { store } = this.deps;
    const runs: Run[] = [];
    for (const state of Object.values(record.steps)) {
      if (!('runId' in state) || !state.runId) continue;
      const run = await store.loadRun(state.runId);
      if (run) runs.push(run);
    }
    return runs.sort((a, b) => a.number - b.number);
  }
}

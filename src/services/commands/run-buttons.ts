import { ACTIONS } from '../../core/actions.ts';
import type { Reply } from '../../core/reply.ts';
import type { ChatPort, Requester } from '../../ports/chat.ts';
import type { Store } from '../../ports/store.ts';
import type { ButtonModule } from './command-module.ts';
import { RUN_GONE } from './find-run.ts';
import type { RunActions } from './RunActions.ts';

export interface RunButtonsDeps {
  store: Pick<Store, 'loadRun'>;
  chat: Pick<ChatPort, 'postInThread'>;
  actions: RunActions;
}

/** The buttons on a run card: Stop, Rerun (as the presser) and Logs. */
export class RunButtons implements ButtonModule {
  readonly actions = [ACTIONS.stop, ACTIONS.rerun, ACTIONS.logs];

  constructor(private readonly deps: RunButtonsDeps) {}

  async press(action: string, runId: string, from: Requester): Promise<Reply | undefined> {
    const run = await this.deps.store.loadRun(runId);
    if (!run) return { kind: 'error', text: RUN_GONE };
    const { actions } = this.deps;
    if (action === ACTIONS.rerun) return (await actions.rerun(run, from, {})).reply;
    if (action === ACTIONS.stop) return actions.stop(run, from.user);
    // The Logs button answers in the card's thread, where the whole channel sees the log.
    if (!run.card) return actions.logs(run);
    await this.deps.chat.postInThread(run, await actions.logs(run));
    return undefined;
  }
}

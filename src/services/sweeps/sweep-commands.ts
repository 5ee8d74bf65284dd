import { ACTIONS } from '../../core/actions.ts';
import type { Command, RunRef } from '../../core/command/command.ts';
import type { Reply } from '../../core/reply.ts';
import type { Run } from '../../core/run/run.ts';
import { bestTrial } from '../../core/sweep/rank-trials.ts';
import type { Sweep } from '../../core/sweep/sweep.ts';
import type { ChatPort, CommandOutcome, Requester } from '../../ports/chat.ts';
import type { Launcher } from '../../ports/launcher.ts';
import type { Store } from '../../ports/store.ts';
import {
  answer,
  type ButtonModule,
  type CommandModule,
  type GroupVerb,
  type NumberedGroup,
  refuse,
} from '../commands/command-module.ts';
import type { RunActions } from '../commands/RunActions.ts';
import { launchParams } from '../runs/plan-launch.ts';
import type { SweepService } from './SweepService.ts';

export interface SweepCommandsDeps {
  store: Pick<Store, 'sweeps' | 'loadRun'>;
  sweeps: SweepService;
  actions: RunActions;
  launcher: Pick<Launcher, 'launch'>;
  chat: Pick<ChatPort, 'postInThread'>;
}

/** The best trial's run, or the sentence saying there is none yet. */
async function bestRun(deps: SweepCommandsDeps, sweep: Sweep): Promise<Run | string> {
  const best = bestTrial(sweep);
  const run = best?.runId ? await deps.store.loadRun(best.runId) : undefined;
  return (
    run ??
    `Sweep #${sweep.number} has no succeeded trial yet, so there is no best trial; /train status ${sweep.number} shows its trials and their run numbers.`
  );
}

async function logsOfBest(deps: SweepCommandsDeps, sweep: Sweep): Promise<Reply> {
  const run = await bestRun(deps, sweep);
  return typeof run === 'string' ? { kind: 'info', text: run } : deps.actions.logs(run);
}

/**
 * `/train sweep …` and `/train sweeps`, and `status`, `logs` and `stop` on a sweep's number
 * (asked by the run commands when no run has that number): logs are the best trial's.
 */
export class SweepCommands implements CommandModule<'sweep' | 'sweeps'>, NumberedGroup {
  readonly verbs = ['sweep', 'sweeps'] as const;

  constructor(private readonly deps: SweepCommandsDeps) {}

  async handle(
    command: Extract<Command, { verb: 'sweep' | 'sweeps' }>,
    from: Requester,
  ): Promise<CommandOutcome> {
    if (command.verb === 'sweeps') return answer({ kind: 'sweeps', sweeps: this.deps.sweeps.list() });
    return this.deps.sweeps.start(command, from);
  }

  async onNumber(verb: GroupVerb, ref: RunRef, from: Requester): Promise<CommandOutcome | undefined> {
    // A sweep is named by its number (`sweep #57`); a run id is never a sweep's.
    if (ref.kind !== 'number') return undefined;
    const sweep = await this.deps.store.sweeps.loadByNumber(ref.number);
    if (!sweep) return undefined;
    switch (verb) {
      case 'status':
        return answer({ kind: 'sweep', sweep });
      case 'logs':
        return answer(await logsOfBest(this.deps, sweep));
      case 'stop':
        return answer(this.deps.sweeps.stop(sweep, from.user));
    }
  }
}

/** The buttons of the sweep card (Stop sweep, Logs of best) and of its notice (Rerun best). */
export class SweepButtons implements ButtonModule {
  readonly actions = [ACTIONS.sweepStop, ACTIONS.sweepLogsOfBest, ACTIONS.sweepRerunBest];

  constructor(private readonly deps: SweepCommandsDeps) {}

  async press(action: string, sweepId: string, from: Requester): Promise<Reply | undefined> {
    const sweep = await this.deps.store.sweeps.load(sweepId);
    if (!sweep) {
      return {
        kind: 'error',
        text: 'That sweep is no longer known to Trainyard; /train sweeps lists the sweeps.',
      };
    }
    if (action === ACTIONS.sweepStop) return this.deps.sweeps.stop(sweep, from.user);
    if (action === ACTIONS.sweepLogsOfBest) {
      const reply = await logsOfBest(this.deps, sweep);
      if (reply.kind !== 'logs' || !sweep.card) return reply;
      // In the sweep card's thread, where the whole channel sees it (as a run's Logs button does).
      await this.deps.chat.postInThread({ ...reply.run, card: sweep.card }, reply);
      return undefined;
    }
    return this.rerunBest(sweep, from);
  }

  /** A normal run with the best trial's params, launched by the presser in the sweep's channel. */
  private async rerunBest(sweep: Sweep, from: Requester): Promise<Reply | undefined> {
    const run = await bestRun(this.deps, sweep);
    if (typeof run === 'string') return { kind: 'info', text: run };
    const result = await this.deps.launcher.launch({
      template: sweep.template,
      params: launchParams(run.spec.params),
      options: sweep.definition.launchOptions,
      user: from.user,
      channel: sweep.channel,
      origin: { kind: 'rerun', runId: run.id, runNumber: run.number },
    });
    return result.ok ? undefined : refuse(result.error).reply;
  }
}

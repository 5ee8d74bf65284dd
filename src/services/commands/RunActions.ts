import type { RawParams } from '../../core/command/command.ts';
import type { Reply } from '../../core/reply.ts';
import { isEnded, type Run } from '../../core/run/run.ts';
import { sentence, userMention } from '../../core/sentence.ts';
import type { CommandOutcome, Requester } from '../../ports/chat.ts';
import type { Launcher } from '../../ports/launcher.ts';
import type { LogArchive } from '../../ports/log-archive.ts';
import type { Policy } from '../../ports/policy.ts';
import type { Runtime } from '../../ports/runtime.ts';
import { launchParams } from '../runs/plan-launch.ts';
import { refuse } from './command-module.ts';

export interface RunActionsDeps {
  launcher: Pick<Launcher, 'launch' | 'stop'>;
  logs: Pick<LogArchive, 'tail'>;
  runtime: Pick<Runtime, 'tail'>;
  policy: Pick<Policy, 'mayStop'>;
}

const LOG_LINES_SHOWN = 40;

/** What people can do to a run they found, by command or by button: see its log, stop it, run it again. */
export class RunActions {
  constructor(private readonly deps: RunActionsDeps) {}

  async logs(run: Run): Promise<Reply> {
    let lines = await this.deps.logs.tail(run.id, LOG_LINES_SHOWN);
    if (!lines.length && !isEnded(run.state) && this.deps.runtime.tail) {
      lines = await this.deps.runtime.tail(run, LOG_LINES_SHOWN).catch(() => []);
    }
    return { kind: 'logs', run, lines };
  }

  async stop(run: Run, user: string): Promise<Reply> {
    if (isEnded(run.state)) {
      return { kind: 'info', text: `Run #${run.number} already ended (${run.state}); nothing to stop.` };
    }
    if (!this.deps.policy.mayStop(user, run)) {
      return {
        kind: 'error',
        text: sentence`Only ${userMention(run.launchedBy)} or an admin can stop run #${run.number}.`,
      };
    }
    try {
      await this.deps.launcher.stop(run.id, undefined, user);
    } catch (err) {
      // The runtime says why (e.g. the cluster refused to delete the Job): the person who asked
      // needs that, not a generic apology; it is plain text, so it can never become markup.
      const why = err instanceof Error ? err.message : String(err);
      return { kind: 'error', text: sentence`Run #${run.number} is still going: ${why}` };
    }
    return { kind: 'info', text: `Stopping run #${run.number}.` };
  }

  /** The same template, params and options, as the person who asked, with their overrides. */
  async rerun(run: Run, from: Requester, overrides: RawParams): Promise<CommandOutcome> {
    const result = await this.deps.launcher.launch({
      template: run.spec.template,
      params: { ...launchParams(run.spec.params), ...overrides },
      options: run.options ?? {},
      user: from.user,
      channel: from.channel,
      origin: { kind: 'rerun', runId: run.id, runNumber: run.number },
      // A rerun of a pipeline's step reads the same inputs as the run it repeats.
      ...(run.spec.inputs?.length && { inputs: run.spec.inputs, consumed: run.lineage?.inputs }),
    });
    return result.ok ? { started: [result.run] } : refuse(result.error);
  }
}

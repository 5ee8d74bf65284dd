import { isEnded, type Run } from '../../core/run/run.ts';
import type { Schedule } from '../../core/schedule/schedule.ts';
import { scheduleMessages } from '../../core/schedule/schedule-messages.ts';
import type { ChatPort } from '../../ports/chat.ts';
import type { Launcher } from '../../ports/launcher.ts';
import type { Store } from '../../ports/store.ts';
import type { Logger } from '../../shared/log.ts';

export interface ScheduledRunDeps {
  store: Store;
  launcher: Pick<Launcher, 'launch' | 'stop'>;
  chat: Pick<ChatPort, 'announce'>;
  log: Logger;
}

export interface HowStarted {
  /** Scheduled fires tell the channel about problems; Run now tells the presser. */
  announceProblems: boolean;
  scheduledAt?: Date;
  /** Set when the fire is a missed one, run late after a restart. */
  lateAt?: Date;
}

export type StartOutcome = { ok: true; run: Run } | { ok: false; error: string };

/**
 * Applies the schedule's concurrency policy and launches its run as `user`. Problems (previous run
 * still active, a template that disappeared, params that became invalid) are announced in the
 * channel for scheduled fires and returned to the asker for Run now; nothing here throws.
 */
export async function startScheduledRun(
  deps: ScheduledRunDeps,
  name: string,
  user: string,
  how: HowStarted,
): Promise<StartOutcome> {
  const { store, launcher, chat, log } = deps;
  const schedule = store.getSchedule(name);
  if (!schedule) return { ok: false, error: `The schedule "${name}" was deleted.` };
  const problem = async (error: string, announcement: string): Promise<StartOutcome> => {
    log.warn('scheduled run not started', { schedule: name, error });
    if (how.announceProblems) await chat.announce(schedule.channel, announcement);
    return { ok: false, error };
  };

  // `allow` never looks; for forbid and replace only the previous run can still be active.
  const previous = schedule.policy === 'allow' ? undefined : activeRunOf(store, schedule);
  if (previous && schedule.policy === 'forbid') {
    return problem(
      `Run #${previous.number} of "${name}" is still running and its policy is forbid; wait for it to end or stop it first.`,
      scheduleMessages.stillRunning(name, previous.number),
    );
  }
  if (previous && schedule.policy === 'replace') {
    await launcher
      .stop(previous.id, `replaced by the next run of schedule ${name}`)
      .catch((error: unknown) => {
        log.error('could not stop the run being replaced', { schedule: name, run: previous.id, error });
      });
  }

  let result: StartOutcome;
  try {
    result = await launcher.launch({
      template: schedule.template,
      params: schedule.params,
      options: schedule.options,
      user,
      channel: schedule.channel,
      origin: { kind: 'schedule', name },
    });
  } catch (error) {
    log.error('launch failed', { schedule: name, error });
    result = { ok: false, error: 'Trainyard could not start the run because of an internal error.' };
  }
  if (!result.ok) return problem(result.error, scheduleMessages.launchFailed(name, result.error));

  const run = result.run;
  const latest = store.getSchedule(name);
  if (latest) store.saveSchedule({ ...latest, lastRunId: run.id });
  const text =
    how.scheduledAt && how.lateAt
      ? scheduleMessages.startedLate(name, run.number, how.scheduledAt, schedule.timezone, how.lateAt)
      : previous
        ? scheduleMessages.replaced(name, previous.number, run.number)
        : scheduleMessages.started(name, run.number);
  await chat.announce(schedule.channel, text);
  log.info('scheduled run started', {
    schedule: name,
    run: run.id,
    number: run.number,
    scheduledAt: how.scheduledAt,
  });
  return { ok: true, run };
}

/**
 * The schedule's previous run, if it has not ended. Every start records its run as the
 * schedule's last, and under forbid or replace no earlier run is left going, so that one
 * run is all there is to check.
 */
function activeRunOf(store: Store, schedule: Schedule): Run | undefined {
  const last = schedule.lastRunId ? store.getRun(schedule.lastRunId) : undefined;
  return last && !isEnded(last.state) ? last : undefined;
}

import type { RawOptions, RawParams } from '../../core/command/command.ts';
import { didYouMean } from '../../core/command/suggest.ts';
import type { Reply } from '../../core/reply.ts';
import { isEnded, type Run } from '../../core/run/run.ts';
import { type CronFields, checkCron, parseCron } from '../../core/schedule/cron-expression.ts';
import { describeCron } from '../../core/schedule/describe-cron.ts';
import { fireTimesBetween, nextFireTimes } from '../../core/schedule/fire-times.ts';
import { checkMinInterval } from '../../core/schedule/min-interval.ts';
import { DEFAULT_STARTING_DEADLINE_SECONDS, planMissedFires } from '../../core/schedule/missed-fires.ts';
import type { Schedule } from '../../core/schedule/schedule.ts';
import { formatFireDate, scheduleMessages } from '../../core/schedule/schedule-messages.ts';
import { checkScheduleName, defaultScheduleName } from '../../core/schedule/schedule-name.ts';
import { isKnownTimeZone, knownTimeZones } from '../../core/schedule/zoned-time.ts';
import type { ChatPort, Requester } from '../../ports/chat.ts';
import type { Launcher } from '../../ports/launcher.ts';
import type { Policy } from '../../ports/policy.ts';
import type { ScheduleCommand, Scheduler } from '../../ports/scheduler.ts';
import type { Store } from '../../ports/store.ts';
import type { Logger } from '../../shared/log.ts';
import { FireTimer, type Timer } from './FireTimer.ts';

/**
 * Checks a template and its raw params (and launch options) as a launch would, without
 * launching: one sentence saying what is wrong, or undefined. Used when a schedule is created;
 * at fire time the launcher checks again, since the template may have changed since.
 */
export type ScheduleValidator = (
  template: string,
  params: RawParams,
  options: RawOptions,
) => string | undefined;

export interface CronSchedulerOptions {
  store: Store;
  launcher: Launcher;
  chat: Pick<ChatPort, 'announce'>;
  policy: Pick<Policy, 'isAdmin'>;
  validate: ScheduleValidator;
  log: Logger;
  /** Zone of schedules created without --tz (config.timezone). */
  timezone: string;
  /** Shortest allowed gap between two fires of a schedule, seconds; 0 allows any (config.scheduleMinIntervalSeconds). */
  minIntervalSeconds: number;
  now?: () => Date;
  /** Makes the wake-up timer of one schedule; tests pass a hand-driven one. */
  createTimer?: (onDue: () => void, now: () => Date) => Timer;
}

/**
 * Fires within this much of their time run normally (a busy event loop, a slow launch);
 * anything older counts as missed and goes through the starting-deadline rule.
 */
const ON_TIME_GRACE_MS = 30_000;

type StartOutcome = { ok: true; run: Run } | { ok: false; error: string };

interface Tracked {
  fields: CronFields;
  timer: Timer;
}

/**
 * Cron schedules: one wake-up timer per schedule in its zone, fire times from our own
 * DST-aware cron math (node-cron validates the syntax), every fire serialized per schedule
 * and deduplicated by its scheduled time, which is stored before the run is launched.
 */
export class CronScheduler implements Scheduler {
  private readonly store: Store;
  private readonly launcher: Launcher;
  private readonly chat: Pick<ChatPort, 'announce'>;
  private readonly policy: Pick<Policy, 'isAdmin'>;
  private readonly validate: ScheduleValidator;
  private readonly log: Logger;
  private readonly timezone: string;
  private readonly minIntervalSeconds: number;
  private readonly now: () => Date;
  private readonly createTimer: (onDue: () => void, now: () => Date) => Timer;
  private readonly tracked = new Map<string, Tracked>();
  /** Per schedule, the tail of its work queue: fires of one schedule never interleave. */
  private readonly queues = new Map<string, Promise<void>>();
  private closed = false;

  constructor(options: CronSchedulerOptions) {
    this.store = options.store;
    this.launcher = options.launcher;
    this.chat = options.chat;
    this.policy = options.policy;
    this.validate = options.validate;
    this.log = options.log;
    this.timezone = options.timezone;
    this.minIntervalSeconds = options.minIntervalSeconds;
    this.now = options.now ?? (() => new Date());
    this.createTimer = options.createTimer ?? ((onDue, now) => new FireTimer(onDue, now));
  }

  async start(): Promise<void> {
    for (const schedule of this.store.listSchedules()) {
      if (!schedule.paused) this.track(schedule);
    }
    // Fires missed while the bot was down are handled now, through the same path as a wake-up.
    for (const name of this.tracked.keys()) void this.enqueue(name, () => this.handleDueFires(name));
    await this.idle();
    this.log.info('schedules restored', { active: this.tracked.size });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const { timer } of this.tracked.values()) timer.cancel();
    this.tracked.clear();
    await this.idle();
  }

  /** Resolves once every queued fire has been handled (tests and close use it). */
  async idle(): Promise<void> {
    while (true) {
      const pending = [...this.queues.values()];
      if (pending.length === 0) return;
      await Promise.all(pending);
    }
  }

  async execute(command: ScheduleCommand, from: Requester): Promise<Reply> {
    switch (command.verb) {
      case 'schedule':
        return this.create(command, from);
      case 'schedules':
        return this.list();
      case 'unschedule':
        return this.manage(command.name, from, 'delete', (s) => this.remove(s));
      case 'pause':
        return this.manage(command.name, from, 'pause', (s) => this.pause(s));
      case 'resume':
        return this.manage(command.name, from, 'resume', (s) => this.resume(s));
    }
  }

  async runNow(name: string, from: Requester): Promise<Reply> {
    const found = this.find(name, from, 'run');
    if ('kind' in found) return found;
    const outcome = await this.enqueue(found.name, () =>
      this.startRun(found.name, from.user, { announceProblems: false }),
    );
    if (!outcome.ok) return { kind: 'error', text: outcome.error };
    return { kind: 'info', text: `Started run #${outcome.run.number} from schedule "${found.name}".` };
  }

  // ---- commands ------------------------------------------------------------------------

  private create(command: Extract<ScheduleCommand, { verb: 'schedule' }>, from: Requester): Reply {
    const refuse = (text: string): Reply => ({ kind: 'error', text });
    const now = this.now();
    const timezone = command.timezone ?? this.timezone;
    if (!isKnownTimeZone(timezone)) {
      return refuse(
        `"${timezone}" is not a time zone I know; use an IANA name such as Europe/Berlin or UTC.${didYouMean(timezone, knownTimeZones())}`,
      );
    }
    const cron = command.cron.trim();
    const parsed = checkCron(cron);
    if (!parsed.ok) return refuse(parsed.error);
    const nextFires = nextFireTimes(parsed.fields, timezone, now, 3);
    if (nextFires.length === 0)
      return refuse(`"${cron}" never fires; check its day-of-month and month fields.`);
    const tooOften = checkMinInterval(cron, parsed.fields, timezone, now, this.minIntervalSeconds);
    if (tooOften) return refuse(tooOften);

    const taken = new Set(this.store.listSchedules().map((s) => s.name));
    const name = command.name ?? defaultScheduleName(command.template, taken);
    const badName = checkScheduleName(name);
    if (badName) return refuse(badName);
    if (taken.has(name))
      return refuse(
        `A schedule named "${name}" already exists; choose another --name or unschedule it first.`,
      );
    const invalid = this.validate(command.template, command.params, {});
    if (invalid) return refuse(invalid);

    const schedule: Schedule = {
      name,
      cron,
      timezone,
      template: command.template,
      params: { ...command.params },
      options: {},
      policy: command.policy ?? 'forbid',
      channel: from.channel,
      owner: from.user,
      paused: false,
      createdAt: now.toISOString(),
      startingDeadlineSeconds: DEFAULT_STARTING_DEADLINE_SECONDS,
    };
    this.store.saveSchedule(schedule);
    this.track(schedule);
    this.log.info('schedule created', { schedule: name, cron, timezone, owner: from.user });
    return { kind: 'schedule', schedule, nextFires, description: describeCron(cron) };
  }

  private list(): Reply {
    const now = this.now();
    const schedules = this.store
      .listSchedules()
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((schedule) => {
        const parsed = parseCron(schedule.cron);
        const nextFire =
          schedule.paused || !parsed.ok
            ? undefined
            : nextFireTimes(parsed.fields, schedule.timezone, now, 1)[0];
        const lastRun = schedule.lastRunId ? this.store.getRun(schedule.lastRunId) : undefined;
        return { schedule, nextFire, lastRun };
      });
    return { kind: 'schedules', schedules };
  }

  /** Looks the schedule up and checks the asker may change it: owner or admin. */
  private find(name: string, from: Requester, doing: string): Schedule | Reply {
    const schedule = this.store.getSchedule(name);
    if (!schedule) {
      const names = this.store.listSchedules().map((s) => s.name);
      const hint = didYouMean(name, names) || (names.length ? '' : ' There are no schedules yet.');
      return {
        kind: 'error',
        text: `There is no schedule named "${name}"; /train schedules lists them.${hint}`,
      };
    }
    if (schedule.owner !== from.user && !this.policy.isAdmin(from.user)) {
      return { kind: 'error', text: `Only the owner of "${schedule.name}" or an admin can ${doing} it.` };
    }
    return schedule;
  }

  private manage(name: string, from: Requester, doing: string, change: (s: Schedule) => Reply): Reply {
    const found = this.find(name, from, doing);
    if ('kind' in found) return found;
    this.log.info(`schedule ${doing}`, { schedule: found.name, by: from.user });
    return change(found);
  }

  private remove(schedule: Schedule): Reply {
    this.untrack(schedule.name);
    this.store.deleteSchedule(schedule.name);
    return { kind: 'info', text: `Deleted schedule "${schedule.name}"; runs it already started keep going.` };
  }

  private pause(schedule: Schedule): Reply {
    if (schedule.paused) return { kind: 'info', text: `"${schedule.name}" is already paused.` };
    this.untrack(schedule.name);
    this.store.saveSchedule({ ...schedule, paused: true });
    return { kind: 'info', text: `Paused "${schedule.name}"; it will not run until you resume it.` };
  }

  private resume(schedule: Schedule): Reply {
    if (!schedule.paused) return { kind: 'info', text: `"${schedule.name}" is not paused.` };
    const resumed: Schedule = { ...schedule, paused: false, resumedAt: this.now().toISOString() };
    this.store.saveSchedule(resumed);
    const tracked = this.track(resumed);
    const next = tracked && nextFireTimes(tracked.fields, resumed.timezone, this.now(), 1)[0];
    const when = next
      ? `; next run ${formatFireDate(next, resumed.timezone, tracked.fields.hasSeconds)}`
      : '';
    return { kind: 'info', text: `Resumed "${resumed.name}"${when}.` };
  }

  // ---- firing --------------------------------------------------------------------------

  /** Parses the schedule once and arms its timer; a stored expression that no longer parses is logged and left idle. */
  private track(schedule: Schedule): Tracked | undefined {
    this.untrack(schedule.name);
    if (this.closed) return undefined;
    const parsed = parseCron(schedule.cron);
    if (!parsed.ok) {
      this.log.error('stored schedule has an invalid cron expression', {
        schedule: schedule.name,
        error: parsed.error,
      });
      return undefined;
    }
    const timer = this.createTimer(() => this.wake(schedule.name), this.now);
    const tracked = { fields: parsed.fields, timer };
    this.tracked.set(schedule.name, tracked);
    this.armNext(schedule.name, tracked);
    return tracked;
  }

  private untrack(name: string): void {
    this.tracked.get(name)?.timer.cancel();
    this.tracked.delete(name);
  }

  private armNext(name: string, tracked: Tracked): void {
    const schedule = this.store.getSchedule(name);
    if (!schedule) return;
    const now = this.now();
    const handled = handledUntil(schedule);
    const from = handled.getTime() > now.getTime() ? handled : now;
    const [next] = nextFireTimes(tracked.fields, schedule.timezone, from, 1);
    if (next) tracked.timer.arm(next);
  }

  private wake(name: string): void {
    const tracked = this.tracked.get(name);
    if (this.closed || !tracked) return;
    // Re-arm first, so a slow launch never delays the next fire's wake-up.
    this.armNext(name, tracked);
    void this.enqueue(name, () => this.handleDueFires(name));
  }

  /**
   * Runs `work` after everything queued for this schedule. The queue's tail swallows (and
   * logs) failures, so neither a timer callback nor a later item ever sees a rejection.
   */
  private enqueue<T>(name: string, work: () => Promise<T>): Promise<T> {
    const result = (this.queues.get(name) ?? Promise.resolve()).then(work);
    const tail: Promise<void> = result
      .then(
        () => undefined,
        (error: unknown) => this.log.error('schedule work failed', { schedule: name, error }),
      )
      .finally(() => {
        if (this.queues.get(name) === tail) this.queues.delete(name);
      });
    this.queues.set(name, tail);
    return result;
  }

  /** Fires every time that came due since the last handled one: on time, or by the missed-fire rule. */
  private async handleDueFires(name: string): Promise<void> {
    const schedule = this.store.getSchedule(name);
    const tracked = this.tracked.get(name);
    if (!schedule || schedule.paused || !tracked || this.closed) return;
    const now = this.now();
    const since = handledUntil(schedule);
    const due = () => fireTimesBetween(tracked.fields, schedule.timezone, since, now);
    // The oldest due fire decides; after a long downtime the rest are many and only planMissedFires walks them.
    const [oldest] = due();
    if (!oldest) return;
    if (now.getTime() - oldest.getTime() <= ON_TIME_GRACE_MS) {
      for (const at of due()) await this.fire(name, at);
      return;
    }
    const plan = planMissedFires(schedule, tracked.fields, since, now);
    this.log.warn('missed fires', { schedule: name, run: plan.run, skipped: plan.skippedCount });
    if (plan.skippedCount > 0) {
      await this.chat.announce(
        schedule.channel,
        scheduleMessages.missed(name, plan.skipped, plan.skippedCount, schedule.timezone),
      );
    }
    if (plan.run) {
      await this.fire(name, plan.run, now);
    } else if (plan.handledUntil) {
      this.store.saveSchedule({ ...schedule, lastFireAt: plan.handledUntil.toISOString() });
    }
  }

  /** One occurrence. Its time is stored before launching, so it can never start twice. */
  private async fire(name: string, at: Date, lateAt?: Date): Promise<void> {
    const schedule = this.store.getSchedule(name);
    if (!schedule || schedule.paused || this.closed) return;
    if (at.getTime() <= handledUntil(schedule).getTime()) return;
    this.store.saveSchedule({ ...schedule, lastFireAt: at.toISOString() });
    await this.startRun(name, schedule.owner, { announceProblems: true, scheduledAt: at, lateAt });
  }

  /**
   * Applies the concurrency policy and launches. Problems (previous run still active, a
   * template that disappeared, params that became invalid) are announced in the channel for
   * scheduled fires and returned to the asker for Run now; nothing here throws.
   */
  private async startRun(
    name: string,
    user: string,
    how: { announceProblems: boolean; scheduledAt?: Date; lateAt?: Date },
  ): Promise<StartOutcome> {
    const schedule = this.store.getSchedule(name);
    if (!schedule) return { ok: false, error: `The schedule "${name}" was deleted.` };
    const problem = async (error: string, announcement: string): Promise<StartOutcome> => {
      this.log.warn('scheduled run not started', { schedule: name, error });
      if (how.announceProblems) await this.chat.announce(schedule.channel, announcement);
      return { ok: false, error };
    };

    // `allow` never looks; for forbid and replace only the previous run can still be active.
    const previous = schedule.policy === 'allow' ? undefined : this.activeRunOf(schedule);
    if (previous && schedule.policy === 'forbid') {
      return problem(
        `Run #${previous.number} of "${name}" is still running and its policy is forbid; wait for it to end or stop it first.`,
        scheduleMessages.stillRunning(name, previous.number),
      );
    }
    if (previous && schedule.policy === 'replace') {
      await this.launcher
        .stop(previous.id, `replaced by the next run of schedule ${name}`)
        .catch((error: unknown) => {
          this.log.error('could not stop the run being replaced', {
            schedule: name,
            run: previous.id,
            error,
          });
        });
    }

    let result: StartOutcome;
    try {
      result = await this.launcher.launch({
        template: schedule.template,
        params: schedule.params,
        options: schedule.options,
        user,
        channel: schedule.channel,
        schedule: name,
      });
    } catch (error) {
      this.log.error('launch failed', { schedule: name, error });
      result = { ok: false, error: 'Trainyard could not start the run because of an internal error.' };
    }
    if (!result.ok) return problem(result.error, scheduleMessages.launchFailed(name, result.error));

    const run = result.run;
    const latest = this.store.getSchedule(name);
    if (latest) this.store.saveSchedule({ ...latest, lastRunId: run.id });
    const text =
      how.scheduledAt && how.lateAt
        ? scheduleMessages.startedLate(name, run.number, how.scheduledAt, schedule.timezone, how.lateAt)
        : previous
          ? scheduleMessages.replaced(name, previous.number, run.number)
          : scheduleMessages.started(name, run.number);
    await this.chat.announce(schedule.channel, text);
    this.log.info('scheduled run started', {
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
  private activeRunOf(schedule: Schedule): Run | undefined {
    const last = schedule.lastRunId ? this.store.getRun(schedule.lastRunId) : undefined;
    return last && !isEnded(last.state) ? last : undefined;
  }
}

/** Everything up to this moment has been handled: the last fire, or creation / resumption. */
function handledUntil(schedule: Schedule): Date {
  const moments = [schedule.lastFireAt, schedule.resumedAt, schedule.createdAt]
    .filter((m): m is string => m !== undefined)
    .map((m) => Date.parse(m))
    .filter((t) => Number.isFinite(t));
  return new Date(Math.max(...moments));
}

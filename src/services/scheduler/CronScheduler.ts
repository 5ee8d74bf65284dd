import type { Reply } from '../../core/reply.ts';
import { type CronFields, parseCron } from '../../core/schedule/cron-expression.ts';
import { describeCron } from '../../core/schedule/describe-cron.ts';
import { fireTimesBetween, nextFireTimes } from '../../core/schedule/fire-times.ts';
import { planMissedFires } from '../../core/schedule/missed-fires.ts';
import type { Schedule } from '../../core/schedule/schedule.ts';
import { formatFireDate, scheduleMessages } from '../../core/schedule/schedule-messages.ts';
import type { ChatPort, Requester } from '../../ports/chat.ts';
import type { Launcher } from '../../ports/launcher.ts';
import type { Policy } from '../../ports/policy.ts';
import type { ScheduleCommand, Scheduler } from '../../ports/scheduler.ts';
import type { Store } from '../../ports/store.ts';
import { KeyedQueue } from '../../shared/keyed-queue.ts';
import type { Logger } from '../../shared/log.ts';
import { createSchedule, nameTaken } from './create-schedule.ts';
import { FireTimer, type Timer } from './FireTimer.ts';
import { findScheduleFor, handledUntil, listSchedules } from './schedule-lookup.ts';
import { type HowStarted, type StartOutcome, startScheduledRun } from './start-scheduled-run.ts';

export interface CronSchedulerOptions {
  store: Store;
  /**
   * Checks a new schedule's launch (as its owner's launch in its channel would be checked) and
   * launches its runs; at fire time the launch is checked again, since the template may have changed.
   */
  launcher: Pick<Launcher, 'check' | 'launch' | 'stop'>;
  chat: Pick<ChatPort, 'announce'>;
  policy: Pick<Policy, 'isAdmin'>;
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
  private readonly launcher: CronSchedulerOptions['launcher'];
  private readonly chat: Pick<ChatPort, 'announce'>;
  private readonly policy: Pick<Policy, 'isAdmin'>;
  private readonly log: Logger;
  private readonly timezone: string;
  private readonly minIntervalSeconds: number;
  private readonly now: () => Date;
  private readonly createTimer: (onDue: () => void, now: () => Date) => Timer;
  private readonly tracked = new Map<string, Tracked>();
  /** Per schedule, its work queue: fires of one schedule never interleave. */
  private readonly queues: KeyedQueue;
  private closed = false;

  constructor(options: CronSchedulerOptions) {
    this.store = options.store;
    this.launcher = options.launcher;
    this.chat = options.chat;
    this.policy = options.policy;
    this.log = options.log;
    this.queues = new KeyedQueue((schedule, error) =>
      this.log.error('schedule work failed', { schedule, error }),
    );
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
  idle(): Promise<void> {
    return this.queues.idle();
  }

  async execute(command: ScheduleCommand, from: Requester): Promise<Reply> {
    switch (command.verb) {
      case 'schedule':
        return this.create(command, from);
      case 'schedules':
        return listSchedules(this.store, this.now());
      case 'unschedule':
        return this.manage(command.name, from, 'delete', (s) => this.remove(s));
      case 'pause':
        return this.manage(command.name, from, 'pause', (s) => this.pause(s));
      case 'resume':
        return this.manage(command.name, from, 'resume', (s) => this.resume(s));
    }
  }

  async runNow(name: string, from: Requester): Promise<Reply> {
    const found = findScheduleFor(this.store, this.policy, name, from, 'run');
    if ('kind' in found) return found;
    const outcome = await this.enqueue(found.name, () =>
      this.startRun(found.name, from.user, { announceProblems: false }),
    );
    if (!outcome.ok) return { kind: 'error', text: outcome.error };
    return { kind: 'info', text: `Started run #${outcome.run.number} from schedule "${found.name}".` };
  }

  private async create(
    command: Extract<ScheduleCommand, { verb: 'schedule' }>,
    from: Requester,
  ): Promise<Reply> {
    const created = await createSchedule(command, from, {
      launcher: this.launcher,
      taken: new Set(this.store.listSchedules().map((s) => s.name)),
      timezone: this.timezone,
      minIntervalSeconds: this.minIntervalSeconds,
      now: this.now(),
    });
    if (!created.ok) return { kind: 'error', text: created.error };
    const { schedule, nextFires } = created;
    // Checked again now: another schedule may have taken the name while the launch was checked.
    if (this.store.getSchedule(schedule.name)) return { kind: 'error', text: nameTaken(schedule.name) };
    this.store.saveSchedule(schedule);
    this.track(schedule);
    const { name, cron, timezone } = schedule;
    this.log.info('schedule created', { schedule: name, cron, timezone, owner: from.user });
    return { kind: 'schedule', schedule, nextFires, description: describeCron(schedule.cron) };
  }

  private manage(name: string, from: Requester, doing: string, change: (s: Schedule) => Reply): Reply {
    const found = findScheduleFor(this.store, this.policy, name, from, doing);
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

  /** Runs `work` after everything queued for this schedule (a failure is logged by the queue). */
  private enqueue<T>(name: string, work: () => Promise<T>): Promise<T> {
    return this.queues.run(name, work);
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

  private startRun(name: string, user: string, how: HowStarted): Promise<StartOutcome> {
    const { store, launcher, chat, log } = this;
    return startScheduledRun({ store, launcher, chat, log }, name, user, how);
  }
}

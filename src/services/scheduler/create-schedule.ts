import { didYouMean } from '../../core/command/suggest.ts';
import { checkCron } from '../../core/schedule/cron-expression.ts';
import { nextFireTimes } from '../../core/schedule/fire-times.ts';
import { checkMinInterval } from '../../core/schedule/min-interval.ts';
import { DEFAULT_STARTING_DEADLINE_SECONDS } from '../../core/schedule/missed-fires.ts';
import type { Schedule } from '../../core/schedule/schedule.ts';
import { checkScheduleName, defaultScheduleName } from '../../core/schedule/schedule-name.ts';
import { isKnownTimeZone, knownTimeZones } from '../../core/schedule/zoned-time.ts';
import type { Requester } from '../../ports/chat.ts';
import type { Launcher } from '../../ports/launcher.ts';
import type { ScheduleCommand } from '../../ports/scheduler.ts';

export interface NewScheduleContext {
  launcher: Pick<Launcher, 'check'>;
  /** Names already taken. */
  taken: Set<string>;
  /** Zone of schedules created without --tz. */
  timezone: string;
  minIntervalSeconds: number;
  now: Date;
}

/** The sentence for a schedule name another schedule has. */
export const nameTaken = (name: string): string =>
  `A schedule named "${name}" already exists; choose another --name or unschedule it first.`;

export type NewSchedule = { ok: true; schedule: Schedule; nextFires: Date[] } | { ok: false; error: string };

/**
 * Checks everything about a new schedule before anything is stored: zone, expression, how often
 * it fires, its name, and its launch exactly as its owner launching it in this channel would be
 * checked (template, params, the channel's templates, the GPU cap), so a schedule the policy
 * would refuse at every fire is refused now, in one sentence.
 */
export async function createSchedule(
  command: Extract<ScheduleCommand, { verb: 'schedule' }>,
  from: Requester,
  ctx: NewScheduleContext,
): Promise<NewSchedule> {
  const refuse = (error: string): NewSchedule => ({ ok: false, error });
  const { now } = ctx;
  const timezone = command.timezone ?? ctx.timezone;
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
  const tooOften = checkMinInterval(cron, parsed.fields, timezone, now, ctx.minIntervalSeconds);
  if (tooOften) return refuse(tooOften);

  const name = command.name ?? defaultScheduleName(command.template, ctx.taken);
  const badName = checkScheduleName(name);
  if (badName) return refuse(badName);
  if (ctx.taken.has(name)) return refuse(nameTaken(name));
  const launch = await ctx.launcher.check({
    template: command.template,
    params: command.params,
    options: {},
    user: from.user,
    channel: from.channel,
    origin: { kind: 'schedule', name },
  });
  if (!launch.ok) return refuse(launch.error);

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
  return { ok: true, schedule, nextFires };
}

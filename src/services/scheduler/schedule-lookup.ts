import { didYouMean } from '../../core/command/suggest.ts';
import type { Reply } from '../../core/reply.ts';
import { nextFireTimes } from '../../core/schedule/fire-times.ts';
import type { Schedule } from '../../core/schedule/schedule.ts';
import type { Requester } from '../../ports/chat.ts';
import type { Policy } from '../../ports/policy.ts';
import type { Store } from '../../ports/store.ts';

/** `/train schedules`: every schedule with its next fire and its last run. */
export function listSchedules(store: Store, now: Date): Reply {
  const schedules = store
    .listSchedules()
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((schedule) => {
      const lastRun = schedule.lastRunId ? store.getRun(schedule.lastRunId) : undefined;
      return { schedule, nextFire: nextFireOf(schedule, now), lastRun };
    });
  return { kind: 'schedules', schedules };
}

/** When the schedule fires next after `now`; none while it is paused (or when its cron no longer parses). */
export function nextFireOf(schedule: Schedule, now: Date): Date | undefined {
  return schedule.paused ? undefined : nextFireTimes(schedule.cron, schedule.timezone, now, 1)[0];
}

/** Looks a schedule up and checks the asker may `doing` it: its owner or an admin. */
export function findScheduleFor(
  store: Store,
  policy: Pick<Policy, 'isAdmin'>,
  name: string,
  from: Requester,
  doing: string,
): Schedule | Reply {
  const schedule = store.getSchedule(name);
  if (!schedule) {
    const names = store.listSchedules().map((s) => s.name);
    const hint = didYouMean(name, names) || (names.length ? '' : ' There are no schedules yet.');
    return {
      kind: 'error',
      text: `There is no schedule named "${name}"; /train schedules lists them.${hint}`,
    };
  }
  if (schedule.owner !== from.user && !policy.isAdmin(from.user)) {
    return { kind: 'error', text: `Only the owner of "${schedule.name}" or an admin can ${doing} it.` };
  }
  return schedule;
}

/** Everything up to this moment has been handled: the last fire, or creation / resumption. */
export function handledUntil(schedule: Schedule): Date {
  const moments = [schedule.lastFireAt, schedule.resumedAt, schedule.createdAt]
    .filter((m): m is string => m !== undefined)
    .map((m) => Date.parse(m))
    .filter((t) => Number.isFinite(t));
  return new Date(Math.max(...moments));
}

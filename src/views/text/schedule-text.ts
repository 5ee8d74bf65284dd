import type { SchedulePolicy } from '../../core/command/command.ts';
import { plural } from '../../core/plural.ts';
import type { Reply } from '../../core/reply.ts';
import { cronHasSeconds } from '../../core/schedule/cron-expression.ts';
import { describeCron } from '../../core/schedule/describe-cron.ts';
import type { Schedule } from '../../core/schedule/schedule.ts';
import { formatFireDate } from '../../core/schedule/schedule-messages.ts';
import { formatDuration, formatParams, STATE_EMOJI, STATE_LABEL } from '../format.ts';
import { userName } from './run-card-text.ts';
import { tx } from './terminal.ts';

const POLICY_WORDS: Record<SchedulePolicy, string> = {
  forbid: 'forbid (skips a run while the previous one is still active)',
  allow: 'allow (runs may overlap)',
  replace: 'replace (stops the previous run, then starts the new one)',
};

function templateLine(schedule: Schedule): string {
  const params = formatParams(schedule.params);
  return params ? tx`${schedule.template} ${params}` : tx`${schedule.template}`;
}

function fireDate(at: Date, schedule: Schedule): string {
  try {
    return formatFireDate(at, schedule.timezone, cronHasSeconds(schedule.cron));
  } catch {
    // A zone this Node does not know (a store written elsewhere): UTC is still true.
    return at.toISOString();
  }
}

function whenFrom(at: Date, schedule: Schedule, now: Date): string {
  return `${fireDate(at, schedule)} (in ${formatDuration(at.getTime() - now.getTime())})`;
}

/** The schedule card as terminal text: the same facts as the Slack card, commands instead of buttons. */
export function renderScheduleText(reply: Extract<Reply, { kind: 'schedule' }>, now: Date): string {
  const { schedule, nextFires, description } = reply;
  const lines = [tx`⏰ Schedule ${schedule.name}${schedule.paused ? '  (paused)' : ''}`];
  lines.push(`   runs: ${templateLine(schedule)}`);
  lines.push(tx`   when: ${description}  ·  ${schedule.cron}  ·  ${schedule.timezone}`);
  if (!schedule.paused && nextFires.length > 0) {
    lines.push(`   next: ${whenFrom(nextFires[0], schedule, now)}`);
    for (const at of nextFires.slice(1)) lines.push(`         ${fireDate(at, schedule)}`);
  }
  lines.push(`   policy: ${POLICY_WORDS[schedule.policy]}`);
  lines.push(`   owner: ${userName(schedule.owner)}  ·  ${tx`announces in ${schedule.channel}`}`);
  const toggle = schedule.paused ? tx`/train resume ${schedule.name}` : tx`/train pause ${schedule.name}`;
  lines.push(tx`   manage: ${toggle}  ·  /train unschedule ${schedule.name}`);
  return lines.join('\n');
}

/** `/train schedules`: one line each with the next fire and the last run's result. */
export function renderSchedulesText(reply: Extract<Reply, { kind: 'schedules' }>, now: Date): string {
  if (reply.schedules.length === 0) {
    return 'No schedules yet. Try: /train schedule "0 2 * * *" <template> --name nightly';
  }
  const lines = [`${plural(reply.schedules.length, 'schedule')}:`];
  for (const { schedule, nextFire, lastRun } of reply.schedules) {
    const head = `${schedule.paused ? '⏸️' : '⏰'} ${tx`${schedule.name}`}  ${templateLine(schedule)}`;
    const when = tx`${describeCron(schedule.cron)} (${schedule.timezone})`;
    const next = schedule.paused
      ? 'paused'
      : nextFire
        ? `next ${whenFrom(nextFire, schedule, now)}`
        : 'no further runs';
    const last = lastRun
      ? `last run #${lastRun.number} ${STATE_EMOJI[lastRun.state]} ${STATE_LABEL[lastRun.state].toLowerCase()}`
      : 'no run yet';
    lines.push(head, `   ${when}  ·  ${next}  ·  ${last}  ·  ${tx`policy ${schedule.policy}`}`);
  }
  return lines.join('\n');
}

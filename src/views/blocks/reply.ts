import { ACTIONS } from '../../core/actions.ts';
import { USAGE } from '../../core/command/usage.ts';
import type { Reply } from '../../core/reply.ts';
import { isEnded, type Run } from '../../core/run/run.ts';
import type { Schedule } from '../../core/schedule/schedule.ts';
import type { Template } from '../../core/template/template.ts';
import {
  describeParam,
  formatDuration,
  formatMetrics,
  formatParams,
  formatProgress,
  runDuration,
} from '../format.ts';
import {
  actions,
  type Block,
  button,
  codeBlock,
  context,
  escapeMrkdwn,
  fields,
  header,
  LIMITS,
  mention,
  message,
  type SlackMessage,
  section,
  slackDate,
} from './block-kit.ts';
import { renderRunCard, runTitle } from './run-card.ts';

/** Any reply to a command as Block Kit: short sections that read well on a phone. */
export function renderReply(reply: Reply, now: Date = new Date()): SlackMessage {
  switch (reply.kind) {
    case 'error':
      return message(`⚠️ ${reply.text}`, [section(`⚠️ ${reply.text}`)]);
    case 'info':
      return message(reply.text, [section(reply.text)]);
    case 'help':
      return renderHelp();
    case 'templates':
      return renderTemplates(reply.templates);
    case 'runs':
      return renderRuns(reply.runs, now);
    case 'run':
      return renderRunCard(reply.run, now);
    case 'logs':
      return renderLogs(reply.run, reply.lines);
    case 'schedule':
      return renderSchedule(reply.schedule, reply.nextFires, reply.description);
    case 'schedules':
      return renderSchedules(reply.schedules, now);
  }
}

function renderHelp(): SlackMessage {
  const blocks = [
    header('Trainyard commands'),
    ...USAGE.map((u) => section(`\`${escapeMrkdwn(u.usage)}\`\n${escapeMrkdwn(u.description)}`)),
  ];
  return message(
    'Trainyard commands: /train help, templates, list, status, logs, stop, rerun, schedule…',
    blocks,
  );
}

function renderTemplates(templates: Template[]): SlackMessage {
  if (templates.length === 0) {
    const text =
      'There are no templates yet; a platform engineer adds them as YAML files in the templates folder.';
    return message(text, [section(text)]);
  }
  const blocks = [
    header('Templates'),
    ...templates.map((t) => {
      const title = `*${escapeMrkdwn(t.name)}*${t.description ? ` — ${escapeMrkdwn(t.description)}` : ''}`;
      const params = t.params.map((p) => `• ${escapeMrkdwn(describeParam(p))}`);
      return section([title, ...params].join('\n'));
    }),
  ];
  return message(`Templates: ${templates.map((t) => t.name).join(', ')}`, blocks, 'templates');
}

/** One line per run: state, progress or metrics, time. */
function runLine(run: Run, now: Date): string {
  const parts = [`*${escapeMrkdwn(runTitle(run))}*`, mention(run.launchedBy)];
  if (run.progress && !isEnded(run.state)) parts.push(escapeMrkdwn(formatProgress(run.progress)));
  const metrics = formatMetrics(run.metrics, 3);
  if (metrics) parts.push(`\`${escapeMrkdwn(metrics)}\``);
  parts.push(formatDuration(runDuration(run, now)));
  return parts.join(' · ');
}

function renderRuns(runs: Run[], now: Date): SlackMessage {
  if (runs.length === 0) {
    const text = 'No runs yet; start one with `/train <template>` (see `/train templates`).';
    return message(text, [section(text)]);
  }
  const blocks = [header('Recent runs'), ...runs.map((r) => section(runLine(r, now)))];
  return message(`${runs.length} recent runs`, blocks, 'runs');
}

function renderLogs(run: Run, lines: string[]): SlackMessage {
  if (lines.length === 0) {
    const text = `Run #${run.number} has no log lines yet.`;
    return message(text, [section(text)]);
  }
  const title = `*Last ${lines.length} log lines of run #${run.number}* (${escapeMrkdwn(run.spec.template)})\n`;
  const blocks = [section(title + codeBlock(lines, LIMITS.sectionText - title.length))];
  if (!isEnded(run.state)) blocks.push(context('The full log is uploaded to this thread when the run ends.'));
  return message(`Last log lines of run #${run.number}`, blocks);
}

function scheduleButtons(schedule: Schedule): Block {
  const name = schedule.name;
  return actions(
    [
      button({ text: 'Run now', actionId: ACTIONS.scheduleRunNow, value: name, style: 'primary' }),
      schedule.paused
        ? button({ text: 'Resume', actionId: ACTIONS.scheduleResume, value: name })
        : button({ text: 'Pause', actionId: ACTIONS.schedulePause, value: name }),
      button({
        text: 'Delete',
        actionId: ACTIONS.scheduleDelete,
        value: name,
        style: 'danger',
        confirm: {
          title: `Delete schedule ${name}?`,
          text: 'Runs it already started keep going; no new ones start.',
          confirm: 'Delete it',
          deny: 'Keep it',
        },
      }),
    ],
    `schedule:${name}`,
  );
}

function scheduleTitle(schedule: Schedule): string {
  return `${schedule.paused ? '⏸️' : '🗓️'} ${schedule.name}${schedule.paused ? ' (paused)' : ''}`;
}

function renderSchedule(schedule: Schedule, nextFires: Date[], description: string): SlackMessage {
  const launch = [schedule.template, formatParams(schedule.params)].filter(Boolean).join(' ');
  const facts: [string, string][] = [
    [
      'When',
      `${escapeMrkdwn(description)}\n\`${escapeMrkdwn(schedule.cron)}\` (${escapeMrkdwn(schedule.timezone)})`,
    ],
    ['Launches', `\`${escapeMrkdwn(launch)}\``],
    ['Owner', mention(schedule.owner)],
    ['If still running', escapeMrkdwn(schedule.policy)],
  ];
  const blocks = [header(scheduleTitle(schedule)), fields(facts)];
  if (nextFires.length && !schedule.paused) {
    blocks.push(section(`*Next runs*\n${nextFires.map((d) => `• ${slackDate(d)}`).join('\n')}`));
  }
  blocks.push(scheduleButtons(schedule));
  return message(`Schedule ${schedule.name}: ${description}`, blocks);
}

function renderSchedules(
  schedules: { schedule: Schedule; nextFire?: Date; lastRun?: Run }[],
  now: Date,
): SlackMessage {
  if (schedules.length === 0) {
    const text = 'No schedules yet; create one with `/train schedule "<cron>" <template>`.';
    return message(text, [section(text)]);
  }
  const blocks: Block[] = [header('Schedules')];
  for (const { schedule, nextFire, lastRun } of schedules) {
    const lines = [
      `*${escapeMrkdwn(scheduleTitle(schedule))}* · \`${escapeMrkdwn(schedule.cron)}\` · ${escapeMrkdwn(schedule.template)}`,
    ];
    if (nextFire && !schedule.paused) lines.push(`next ${slackDate(nextFire)}`);
    if (lastRun) lines.push(`last: ${runLine(lastRun, now)}`);
    blocks.push(section(lines.join('\n')), scheduleButtons(schedule));
  }
  return message(`${schedules.length} schedules`, blocks, 'blocks of schedules');
}

import { ACTIONS } from '../../core/actions.ts';
import { USAGE } from '../../core/command/usage.ts';
import type { Pipeline } from '../../core/pipeline/pipeline.ts';
import { plural } from '../../core/plural.ts';
import type { Reply } from '../../core/reply.ts';
import { isEnded, type Run } from '../../core/run/run.ts';
import type { Schedule } from '../../core/schedule/schedule.ts';
import type { Sweep } from '../../core/sweep/sweep.ts';
import type { Template } from '../../core/template/template.ts';
import {
  describeParam,
  formatDuration,
  formatMetrics,
  formatProgress,
  runDuration,
  scheduleLaunchText,
} from '../format.ts';
import { bestText, sweepDuration, sweepTitle, trialsText } from '../sweep-format.ts';
import {
  actions,
  type Block,
  button,
  context,
  fields,
  header,
  LIMITS,
  message,
  type SlackMessage,
  section,
} from './block-kit.ts';
import { renderLineage } from './lineage.ts';
import {
  bold,
  code,
  codeBlock,
  inline,
  joinMd,
  type Mrkdwn,
  md,
  mention,
  plain,
  sentenceMd,
  slackDate,
} from './mrkdwn.ts';
import { renderPipelineCard } from './pipeline-card.ts';
import { renderRunCard, runTitle } from './run-card.ts';
import { renderSweepCard } from './sweep-card.ts';

/** Any reply to a command as Block Kit: short sections that read well on a phone. */
export function renderReply(reply: Reply, now: Date = new Date()): SlackMessage {
  switch (reply.kind) {
    case 'error': {
      const text = md`⚠️ ${sentenceMd(reply.text)}`;
      return message(text, [section(text)]);
    }
    case 'info': {
      const text = sentenceMd(reply.text);
      return message(text, [section(text)]);
    }
    case 'help':
      return renderHelp();
    case 'templates':
      return renderTemplates(reply.templates, reply.pipelines ?? []);
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
    case 'sweep':
      return renderSweepCard(reply.sweep, now);
    case 'sweeps':
      return renderSweeps(reply.sweeps, now);
    case 'pipeline': {
      const runs = new Map(reply.runs.map((r) => [r.id, r]));
      return renderPipelineCard(reply.pipeline, (id) => runs.get(id), now);
    }
    case 'lineage':
      return renderLineage(reply.tree);
    case 'chart': {
      const where = reply.run.card ? 'in the thread of its card' : 'in its channel';
      const text = md`📈 The chart of run #${reply.run.number} ${bold(inline(reply.run.spec.template, 200))} is ${where}.`;
      return message(text, [section(text)]);
    }
  }
}

function renderHelp(): SlackMessage {
  const blocks = [
    header('Trainyard commands'),
    ...USAGE.map((u) => section(md`${code(u.usage)}\n${u.description}`)),
  ];
  return message(
    md`Trainyard commands: /train help, templates, list, status, logs, stop, rerun, schedule…`,
    blocks,
    'command',
  );
}

function renderTemplates(templates: Template[], pipelines: Pipeline[]): SlackMessage {
  if (templates.length === 0 && pipelines.length === 0) {
    const text = md`There are no templates yet; a platform engineer adds them as YAML files in the templates folder.`;
    return message(text, [section(text)]);
  }
  const blocks = [
    header('Templates'),
    ...templates.map((t) => {
      const title = t.description
        ? md`${bold(plain(t.name, 100))} — ${plain(t.description, 500)}`
        : bold(plain(t.name, 100));
      const params = t.params.map((p) => md`• ${plain(describeParam(p), 400)}`);
      return section(joinMd([title, ...params], '\n'));
    }),
    ...pipelines.map((p) => {
      const title = md`${bold(plain(p.name, 100))} _(pipeline)_${p.description ? md` — ${plain(p.description, 500)}` : md``}`;
      const params = p.params.map((d) => md`• ${plain(describeParam(d), 400)}`);
      const steps = md`steps: ${plain(p.steps.map((s) => s.name).join(' → '), 1000)}`;
      return section(joinMd([title, ...params, steps], '\n'));
    }),
  ];
  const names = [...templates, ...pipelines].map((t) => t.name).join(', ');
  return message(md`Templates: ${names}`, blocks, 'template');
}

/** One line per run: state, progress or metrics, time. */
function runLine(run: Run, now: Date): Mrkdwn {
  const parts = [bold(plain(runTitle(run), 200)), mention(run.launchedBy)];
  if (run.progress && !isEnded(run.state)) parts.push(md`${formatProgress(run.progress)}`);
  const metrics = formatMetrics(run.metrics, 3);
  if (metrics) parts.push(code(metrics, 300));
  parts.push(md`${formatDuration(runDuration(run, now))}`);
  return joinMd(parts, ' · ');
}

function renderRuns(runs: Run[], now: Date): SlackMessage {
  if (runs.length === 0) {
    const text = md`No runs yet; start one with ${code('/train <template>')} (see ${code('/train templates')}).`;
    return message(text, [section(text)]);
  }
  const blocks = [header('Recent runs'), ...runs.map((r) => section(runLine(r, now)))];
  return message(md`${plural(runs.length, 'recent run')}`, blocks, 'run');
}

function renderLogs(run: Run, lines: string[]): SlackMessage {
  if (lines.length === 0) {
    const text = md`Run #${run.number} has no log lines yet.`;
    return message(text, [section(text)]);
  }
  const title = md`*Last ${plural(lines.length, 'log line')} of run #${run.number}* (${plain(run.spec.template, 200)})\n`;
  const blocks = [section(md`${title}${codeBlock(lines, LIMITS.sectionText - title.mrkdwn.length)}`)];
  if (!isEnded(run.state))
    blocks.push(context(md`The full log is uploaded to this thread when the run ends.`));
  return message(md`Last log lines of run #${run.number}`, blocks);
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
          text: md`Runs it already started keep going; no new ones start.`,
          confirm: 'Delete it',
          deny: 'Keep it',
        },
      }),
    ],
    `schedule:${name}`,
  );
}

/** `🗓️ nightly (paused)`: plain text, for headers and (escaped) in mrkdwn. */
function scheduleTitle(schedule: Schedule): string {
  return `${schedule.paused ? '⏸️' : '🗓️'} ${schedule.name}${schedule.paused ? ' (paused)' : ''}`;
}

function renderSchedule(schedule: Schedule, nextFires: Date[], description: string): SlackMessage {
  const launch = scheduleLaunchText(schedule);
  const facts: [string, Mrkdwn][] = [
    ['When', md`${plain(description, 500)}\n${code(schedule.cron, 200)} (${plain(schedule.timezone, 100)})`],
    ['Launches', code(launch, 1800)],
    ['Owner', mention(schedule.owner)],
    ['If still running', plain(schedule.policy, 50)],
  ];
  const blocks = [header(scheduleTitle(schedule)), fields(facts)];
  if (nextFires.length && !schedule.paused) {
    const dates = nextFires.map((d) => md`• ${slackDate(d)}`);
    blocks.push(section(md`*Next runs*\n${joinMd(dates, '\n')}`));
  }
  blocks.push(scheduleButtons(schedule));
  return message(md`Schedule ${plain(schedule.name, 200)}: ${plain(description, 500)}`, blocks);
}

/** Each schedule takes two blocks (facts and buttons); a header and a "more" line take two more. */
const MAX_SCHEDULES_LISTED = Math.floor((LIMITS.blocks - 2) / 2);

function renderSchedules(
  schedules: { schedule: Schedule; nextFire?: Date; lastRun?: Run }[],
  now: Date,
): SlackMessage {
  if (schedules.length === 0) {
    const text = md`No schedules yet; create one with ${code('/train schedule "<cron>" <template>')}.`;
    return message(text, [section(text)]);
  }
  const blocks: Block[] = [header('Schedules')];
  for (const { schedule, nextFire, lastRun } of schedules.slice(0, MAX_SCHEDULES_LISTED)) {
    const lines = [
      md`${bold(plain(scheduleTitle(schedule), 200))} · ${code(schedule.cron, 200)} · ${plain(schedule.template, 200)}`,
    ];
    if (nextFire && !schedule.paused) lines.push(md`next ${slackDate(nextFire)}`);
    if (lastRun) lines.push(md`last: ${runLine(lastRun, now)}`);
    blocks.push(section(joinMd(lines, '\n')), scheduleButtons(schedule));
  }
  const hidden = schedules.length - MAX_SCHEDULES_LISTED;
  if (hidden > 0) blocks.push(context(md`…and ${plural(hidden, 'more schedule')} not shown.`));
  return message(md`${plural(schedules.length, 'schedule')}`, blocks);
}

/** `/train sweeps`: one section per sweep with its progress and best trial. */
function renderSweeps(sweeps: Sweep[], now: Date): SlackMessage {
  if (sweeps.length === 0) {
    const text = md`No sweeps yet; start one with ${code('/train sweep <template> lr=[0.01,0.1,1]')}.`;
    return message(text, [section(text)]);
  }
  const blocks: Block[] = [header('Sweeps')];
  for (const sweep of sweeps) {
    const best = bestText(sweep);
    const parts = [bold(plain(sweepTitle(sweep), 200)), plain(trialsText(sweep), 300)];
    if (best) parts.push(md`best ${plain(best, 300)}`);
    parts.push(md`${sweepDuration(sweep, now)}`);
    blocks.push(section(joinMd(parts, ' · ')));
  }
  return message(md`${plural(sweeps.length, 'sweep')}`, blocks, 'sweep');
}

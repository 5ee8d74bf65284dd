import type { types } from '@slack/bolt';
import { ACTIONS } from '../../core/actions.ts';
import { mainMetric } from '../../core/chart/main-metric.ts';
import { runObjective } from '../../core/chart/run-objective.ts';
import { sparkline } from '../../core/chart/sparkline.ts';
import { plural } from '../../core/plural.ts';
import type { Run } from '../../core/run/run.ts';
import type { Schedule } from '../../core/schedule/schedule.ts';
import type { Sentence } from '../../core/sentence.ts';
import type { Template } from '../../core/template/template.ts';
import {
  formatDuration,
  formatNumber,
  formatParams,
  formatProgress,
  progressBar,
  progressFraction,
  runDuration,
  STATE_EMOJI,
  STATE_LABEL,
  scheduleLaunchText,
} from '../format.ts';
import { metricValues } from '../metric-lines.ts';
import { type Block, button, context, header, section, VIEW_LIMITS } from './block-kit.ts';
import { bold, code, inline, joinMd, type Mrkdwn, md, sentenceMd, slackDate } from './mrkdwn.ts';
import { stopRunButton } from './run-card.ts';

export interface HomeInput {
  now: Date;
  /** The viewer's runs that have not ended, newest first. */
  active: readonly Run[];
  /** The viewer's ended runs, newest first (the first ten are shown). */
  recent: readonly Run[];
  /** The viewer's schedules, with their next fire time when not paused. */
  schedules: readonly { schedule: Schedule; nextFire?: Date }[];
  /** The templates the viewer may launch. */
  templates: readonly Template[];
  /** A template's objective metric, the one its results are summed up by (else the first metric reported). */
  objectiveOf?: (template: string) => string | undefined;
  /** The answer to what the viewer just pressed in the tab, shown on top (a press there has no other place to be answered). */
  note?: { kind: 'error' | 'info'; text: Sentence };
}

/** How many of each list the Home tab shows; what is left of the 100 blocks goes to templates. */
export const HOME_LIMITS = { active: 15, recent: 10, schedules: 10 } as const;
const SPARKLINE_WIDTH = 16;

/**
 * The Home tab (views.publish for the viewer): their active runs with progress and a Stop button,
 * their last ten results, their schedules with Pause/Resume, and the templates they may launch,
 * each with a Launch button that opens its form (ACTIONS.launchForm, value: the template name).
 * Buttons reuse the card's actions (ACTIONS.stop, ACTIONS.rerunForm, ACTIONS.schedulePause,
 * ACTIONS.scheduleResume) with the same values, so one handler serves both places; a press in the
 * Home tab has no channel, so its answer goes back to the viewer (a DM or the refreshed tab).
 * Everything not written by Trainyard is escaped, and names are kept on their row's line; the
 * whole tab stays within 100 blocks.
 */
export function renderHome(input: HomeInput): types.HomeView {
  const blocks: Block[] = [];
  const templateObjective = input.objectiveOf ?? (() => undefined);
  // The objective a run was launched with, else its template's now.
  const objectiveOf = (run: Run) => runObjective(run)?.metric ?? templateObjective(run.spec.template);

  if (input.note) {
    const { kind, text } = input.note;
    blocks.push(section(kind === 'error' ? md`⚠️ ${sentenceMd(text)}` : sentenceMd(text)));
  }

  blocks.push(header('Your active runs'));
  if (input.active.length === 0)
    blocks.push(context(md`Nothing running. Launch one below, or type ${code('/train <template>')}.`));
  blocks.push(
    ...listed(input.active, HOME_LIMITS.active, (run) => activeRun(run, input.now, objectiveOf), {
      what: ['more active run', 'more active runs'],
      all: md`${code('/train list')} shows them all`,
    }),
  );

  blocks.push({ type: 'divider' }, header('Your recent results'));
  if (input.recent.length === 0) blocks.push(context(md`No finished runs yet.`));
  blocks.push(...input.recent.slice(0, HOME_LIMITS.recent).map((run) => result(run, input.now, objectiveOf)));

  blocks.push({ type: 'divider' }, header('Your schedules'));
  if (input.schedules.length === 0)
    blocks.push(context(md`No schedules. ${code('/train schedule "<cron>" <template>')} creates one.`));
  blocks.push(
    ...listed(input.schedules, HOME_LIMITS.schedules, scheduleLine, {
      what: ['more schedule', 'more schedules'],
      all: md`${code('/train schedules')} shows them all`,
    }),
  );

  blocks.push({ type: 'divider' }, header('Launch a run'));
  if (input.templates.length === 0) blocks.push(context(md`There are no templates you may launch.`));
  // The footer line below takes one block.
  const room = VIEW_LIMITS.blocks - blocks.length - 1;
  blocks.push(
    ...listed(input.templates, room, templateLine, {
      what: ['more template', 'more templates'],
      all: md`${code('/train templates')} lists them all`,
    }),
  );
  blocks.push(context(md`A run launched from here posts its card in the channel you choose in its form.`));
  return { type: 'home', blocks };
}

/** What a list's last line says of the items left out: `…and 3 more schedules; /train schedules shows them all.` */
interface LeftOut {
  what: [singular: string, plural: string];
  all: Mrkdwn;
}

/** The first `max` items as blocks; if some are left out, the last block says how many. */
function listed<T>(items: readonly T[], max: number, render: (item: T) => Block, left: LeftOut): Block[] {
  if (items.length <= max) return items.map(render);
  const shown = items.slice(0, Math.max(0, max - 1));
  const count = plural(items.length - shown.length, ...left.what);
  return [...shown.map(render), context(md`…and ${count}; ${left.all}.`)];
}

/** `🏃 *#42 resnet*`: a run's emoji, number and template. */
const runName = (run: Run): Mrkdwn =>
  md`${STATE_EMOJI[run.state]} ${bold(md`#${run.number} ${inline(run.spec.template, 200)}`)}`;

/** The main metric's latest value: `loss 0.3121`. */
const metricValue = (run: Run, metric: string): Mrkdwn =>
  md`${inline(metric, 200)} ${formatNumber(run.metrics[metric])}`;

/** `🏃 *#42 resnet* · Running · epoch 3/10 (30%)` then the bar and the main metric with its sparkline. */
function activeRun(run: Run, now: Date, objectiveOf: (run: Run) => string | undefined): Block {
  const lines = [md`${runName(run)} · ${STATE_LABEL[run.state]} · ${formatDuration(runDuration(run, now))}`];
  const detail: Mrkdwn[] = [];
  if (run.progress) {
    detail.push(
      md`${code(progressBar(progressFraction(run.progress), 12))} ${inline(formatProgress(run.progress), 200)}`,
    );
  }
  const metric = mainMetric(run.metrics, objectiveOf(run));
  if (metric !== undefined) {
    const line = sparkline(metricValues(run.history, metric), SPARKLINE_WIDTH);
    detail.push(line ? md`${metricValue(run, metric)} ${line}` : metricValue(run, metric));
  }
  if (detail.length > 0) lines.push(joinMd(detail, ' · '));
  return section(joinMd(lines, '\n'), stopRunButton(run));
}

/** `✅ *#41 resnet* · Succeeded · 12m 03s · loss 0.3121`, with a button to rerun it with changes. */
function result(run: Run, now: Date, objectiveOf: (run: Run) => string | undefined): Block {
  const parts = [runName(run), md`${STATE_LABEL[run.state]}`, md`${formatDuration(runDuration(run, now))}`];
  const metric = mainMetric(run.metrics, objectiveOf(run));
  if (metric !== undefined) parts.push(metricValue(run, metric));
  const params = formatParams(run.spec.params);
  const text = params ? md`${joinMd(parts, ' · ')}\n${code(params, 500)}` : joinMd(parts, ' · ');
  return section(text, button({ text: 'Rerun…', actionId: ACTIONS.rerunForm, value: run.id }));
}

/** `🗓️ *nightly* · `resnet epochs=5` · next <date>` with Pause or Resume. */
function scheduleLine({ schedule, nextFire }: { schedule: Schedule; nextFire?: Date }): Block {
  const launch = scheduleLaunchText(schedule);
  const when = schedule.paused ? md`paused` : nextFire ? md`next ${slackDate(nextFire)}` : md`no next run`;
  const text = md`${schedule.paused ? '⏸️' : '🗓️'} ${bold(inline(schedule.name, 200))} · ${code(launch, 500)} · ${when}`;
  return section(
    text,
    schedule.paused
      ? button({ text: 'Resume', actionId: ACTIONS.scheduleResume, value: schedule.name })
      : button({ text: 'Pause', actionId: ACTIONS.schedulePause, value: schedule.name }),
  );
}

/** `*resnet*: Trains ResNet…` with the Launch button that opens its form. */
function templateLine(template: Template): Block {
  const name = bold(inline(template.name, 200));
  const about = template.description?.trim();
  return section(
    about ? md`${name}: ${inline(about, 300)}` : name,
    button({ text: 'Launch', actionId: ACTIONS.launchForm, value: template.name, style: 'primary' }),
  );
}

import type { types } from '@slack/bolt';
import { ACTIONS } from '../../core/actions.ts';
import { mainMetric } from '../../core/chart/main-metric.ts';
import { extractSeries } from '../../core/chart/series.ts';
import { sparkline } from '../../core/chart/sparkline.ts';
import type { Run } from '../../core/run/run.ts';
import type { Schedule } from '../../core/schedule/schedule.ts';
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
  truncate,
} from '../format.ts';
import {
  type Block,
  type Button,
  button,
  context,
  escapeMrkdwn,
  header,
  LIMITS,
  slackDate,
  VIEW_LIMITS,
} from './block-kit.ts';

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
 * Everything not written by Trainyard is escaped; the whole tab stays within 100 blocks.
 */
export function renderHome(input: HomeInput): types.HomeView {
  const blocks: Block[] = [];
  const objectiveOf = input.objectiveOf ?? (() => undefined);

  blocks.push(header('Your active runs'));
  if (input.active.length === 0)
    blocks.push(context('Nothing running. Launch one below, or type `/train <template>`.'));
  blocks.push(
    ...listed(
      input.active,
      HOME_LIMITS.active,
      (run) => activeRun(run, input.now, objectiveOf),
      'active runs; `/train list` shows them all',
    ),
  );

  blocks.push({ type: 'divider' }, header('Your recent results'));
  if (input.recent.length === 0) blocks.push(context('No finished runs yet.'));
  blocks.push(...input.recent.slice(0, HOME_LIMITS.recent).map((run) => result(run, input.now, objectiveOf)));

  blocks.push({ type: 'divider' }, header('Your schedules'));
  if (input.schedules.length === 0)
    blocks.push(context('No schedules. `/train schedule "<cron>" <template>` creates one.'));
  blocks.push(
    ...listed(
      input.schedules,
      HOME_LIMITS.schedules,
      scheduleLine,
      'schedules; `/train schedules` shows them all',
    ),
  );

  blocks.push({ type: 'divider' }, header('Launch a run'));
  if (input.templates.length === 0) blocks.push(context('There are no templates you may launch.'));
  // The footer line below takes one block.
  const room = VIEW_LIMITS.blocks - blocks.length - 1;
  blocks.push(...listed(input.templates, room, templateLine, 'templates; `/train templates` lists them all'));
  blocks.push(context('A run launched from here posts its card in the channel you choose in its form.'));
  return { type: 'home', blocks };
}

/** The first `max` items as blocks; if some are left out, the last block says how many. */
function listed<T>(items: readonly T[], max: number, render: (item: T) => Block, what: string): Block[] {
  if (items.length <= max) return items.map(render);
  const shown = items.slice(0, Math.max(0, max - 1));
  return [...shown.map(render), context(`…and ${items.length - shown.length} more ${what}.`)];
}

/** A section with a button on its right. */
function withButton(text: string, accessory: Button): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) }, accessory };
}

/** `🏃 *#42 resnet* · Running · epoch 3/10 (30%)` then the bar and the main metric with its sparkline. */
function activeRun(run: Run, now: Date, objectiveOf: (t: string) => string | undefined): Block {
  const lines = [
    `${STATE_EMOJI[run.state]} *#${run.number} ${escapeMrkdwn(run.spec.template)}* · ${STATE_LABEL[run.state]} · ${formatDuration(runDuration(run, now))}`,
  ];
  const detail: string[] = [];
  if (run.progress) {
    detail.push(
      `\`${progressBar(progressFraction(run.progress), 12)}\` ${escapeMrkdwn(formatProgress(run.progress))}`,
    );
  }
  const metric = mainMetric(run.metrics, objectiveOf(run.spec.template));
  if (metric !== undefined) {
    const series = extractSeries(run.history).series.find((s) => s.metric === metric);
    const line = sparkline(series?.points.map((p) => p.value) ?? [], SPARKLINE_WIDTH);
    detail.push(`${escapeMrkdwn(metric)} ${formatNumber(run.metrics[metric])}${line ? ` ${line}` : ''}`);
  }
  if (detail.length > 0) lines.push(detail.join(' · '));
  return withButton(
    lines.join('\n'),
    button({
      text: 'Stop',
      actionId: ACTIONS.stop,
      value: run.id,
      style: 'danger',
      confirm: {
        title: `Stop run #${run.number}?`,
        text: `This stops *${escapeMrkdwn(run.spec.template)}* #${run.number} for good.`,
        confirm: 'Stop it',
        deny: 'Keep running',
      },
    }),
  );
}

/** `✅ *#41 resnet* · Succeeded · 12m 03s · loss 0.3121`, with a button to rerun it with changes. */
function result(run: Run, now: Date, objectiveOf: (t: string) => string | undefined): Block {
  const parts = [
    `${STATE_EMOJI[run.state]} *#${run.number} ${escapeMrkdwn(run.spec.template)}*`,
    STATE_LABEL[run.state],
    formatDuration(runDuration(run, now)),
  ];
  const metric = mainMetric(run.metrics, objectiveOf(run.spec.template));
  if (metric !== undefined) parts.push(`${escapeMrkdwn(metric)} ${formatNumber(run.metrics[metric])}`);
  const params = formatParams(run.spec.params);
  const text = parts.join(' · ') + (params ? `\n\`${escapeMrkdwn(truncate(params, 500))}\`` : '');
  return withButton(text, button({ text: 'Rerun…', actionId: ACTIONS.rerunForm, value: run.id }));
}

/** `🗓️ *nightly* · resnet epochs=5 · next <date>` with Pause or Resume. */
function scheduleLine({ schedule, nextFire }: { schedule: Schedule; nextFire?: Date }): Block {
  const launch = [schedule.template, formatParams(schedule.params)].filter(Boolean).join(' ');
  const when = schedule.paused ? 'paused' : nextFire ? `next ${slackDate(nextFire)}` : 'no next run';
  const text = `${schedule.paused ? '⏸️' : '🗓️'} *${escapeMrkdwn(schedule.name)}* · \`${escapeMrkdwn(truncate(launch, 500))}\` · ${when}`;
  return withButton(
    text,
    schedule.paused
      ? button({ text: 'Resume', actionId: ACTIONS.scheduleResume, value: schedule.name })
      : button({ text: 'Pause', actionId: ACTIONS.schedulePause, value: schedule.name }),
  );
}

/** `*resnet*: Trains ResNet…` with the Launch button that opens its form. */
function templateLine(template: Template): Block {
  const about = template.description?.trim();
  const text = `*${escapeMrkdwn(template.name)}*${about ? `: ${escapeMrkdwn(truncate(about, 300))}` : ''}`;
  return withButton(
    text,
    button({ text: 'Launch', actionId: ACTIONS.launchForm, value: template.name, style: 'primary' }),
  );
}

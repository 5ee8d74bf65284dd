import { ACTIONS } from '../../core/actions.ts';
import { plural } from '../../core/plural.ts';
import { bestTrial } from '../../core/sweep/rank-trials.ts';
import { isSweepEnded, type Sweep } from '../../core/sweep/sweep.ts';
import { formatParams, truncate } from '../format.ts';
import {
  algoText,
  alignColumns,
  bestText,
  objectiveText,
  sweepDuration,
  sweepTitle,
  trialsText,
  trialTable,
} from '../sweep-format.ts';
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
import { code, joinMd, type Mrkdwn, md, mention, plain } from './mrkdwn.ts';

/** Longest line of a table; a sweep with many searched params wraps rather than overflows. */
const MAX_TABLE_LINE = 200;

/**
 * A table as a code block that fits in `maxChars` once escaped: rows are dropped from the
 * bottom until it does (the header row stays), and the number dropped is returned so the
 * caller can count them with the rest.
 */
export function tableBlock(
  rows: string[][],
  maxChars: number = LIMITS.sectionText,
): { text: Mrkdwn; dropped: number } {
  const lines = alignColumns(rows).map((line) => truncate(line, MAX_TABLE_LINE));
  // The fences are Trainyard's; every cell is outside text, escaped with the lines.
  const render = (n: number) => md`\`\`\`\n${lines.slice(0, n).join('\n')}\n\`\`\``;
  let kept = lines.length;
  while (kept > 1 && render(kept).mrkdwn.length > maxChars) kept--;
  return { text: render(kept), dropped: lines.length - kept };
}

/** Why the sweep ended as it did: who stopped it (a mention from the stored id), or its reason. */
export function sweepReason(sweep: Sweep): Mrkdwn | undefined {
  const parts: Mrkdwn[] = [];
  if (sweep.state === 'stopped' && sweep.stopRequest)
    parts.push(md`Stopped by ${mention(sweep.stopRequest.by)}.`);
  if (sweep.reason && sweep.state !== 'succeeded') parts.push(plain(sweep.reason, 1500));
  return parts.length ? joinMd(parts, ' ') : undefined;
}

function sweepButtons(sweep: Sweep): Block | undefined {
  const buttons = [];
  if (!isSweepEnded(sweep.state)) {
    buttons.push(
      button({
        text: 'Stop sweep',
        actionId: ACTIONS.sweepStop,
        value: sweep.id,
        style: 'danger',
        confirm: {
          title: `Stop sweep #${sweep.number}?`,
          text: md`This stops every running trial of *${plain(sweep.template, 100)}* sweep #${sweep.number} and starts no new one; finished trials keep their results.`,
          confirm: 'Stop it',
          deny: 'Keep going',
        },
      }),
    );
  }
  if (bestTrial(sweep)?.runId) {
    buttons.push(button({ text: 'Logs of best', actionId: ACTIONS.sweepLogsOfBest, value: sweep.id }));
  }
  return buttons.length ? actions(buttons, `sweep:${sweep.id}`) : undefined;
}

/**
 * The sweep card: one per sweep, updated in place as trials move. A header with the facts, the
 * leaderboard of the best trials (ten at most, the rest counted) and the buttons. Every text
 * from outside Trainyard (param values, the metric, names, reasons) is escaped by the mrkdwn
 * builders; the card holds Slack's limits for any number of trials.
 */
export function renderSweepCard(sweep: Sweep, now: Date): SlackMessage {
  const best = bestText(sweep);
  const facts: [string, Mrkdwn][] = [
    ['Trials', plain(trialsText(sweep), 300)],
    ['Best so far', best ? plain(best, 300) : md`—`],
    ['Objective', plain(objectiveText(sweep), 300)],
    ['Search', plain(algoText(sweep), 300)],
    ['Launched by', mention(sweep.launchedBy)],
    [isSweepEnded(sweep.state) ? 'Took' : 'Elapsed', md`${sweepDuration(sweep, now)}`],
  ];
  const blocks: Block[] = [header(sweepTitle(sweep)), fields(facts)];
  const fixed = formatParams(sweep.definition.fixed);
  if (fixed) blocks.push(section(md`*Same for every trial*\n${code(fixed, 2000)}`));
  if (sweep.trials.length > 0) {
    const { rows, rest } = trialTable(sweep);
    const table = tableBlock(rows);
    blocks.push(section(table.text));
    const more = rest + table.dropped;
    if (more > 0) blocks.push(context(md`…and ${plural(more, 'more trial')}.`));
  }
  const reason = sweepReason(sweep);
  if (reason) blocks.push(context(reason));
  const buttons = sweepButtons(sweep);
  if (buttons) blocks.push(buttons);
  const text = best
    ? md`${sweepTitle(sweep)}: ${trialsText(sweep)}; best ${best}`
    : md`${sweepTitle(sweep)}: ${trialsText(sweep)}`;
  return message(text, blocks);
}

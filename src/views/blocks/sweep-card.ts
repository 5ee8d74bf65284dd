import { ACTIONS } from '../../core/actions.ts';
import { bestTrial } from '../../core/sweep/rank-trials.ts';
import { isSweepEnded, type Sweep } from '../../core/sweep/sweep.ts';
import { escapeUserText } from '../../core/sweep/user-text.ts';
import { truncate } from '../format.ts';
import {
  algoText,
  alignColumns,
  bestText,
  formatParamValue,
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
  mention,
  message,
  type SlackMessage,
  section,
} from './block-kit.ts';

/** Longest line of a table; a sweep with many searched params wraps rather than overflows. */
const MAX_TABLE_LINE = 200;

/**
 * A table as a code block that fits one section: rows are dropped from the bottom until it
 * does, and the number dropped is returned so the caller can count them with the rest.
 */
export function tableBlock(
  rows: string[][],
  maxChars: number = LIMITS.sectionText,
): { text: string; dropped: number } {
  const lines = alignColumns(rows).map((line) => escapeUserText(truncate(line, MAX_TABLE_LINE)));
  let kept = lines.length;
  const render = (n: number) => `\`\`\`\n${lines.slice(0, n).join('\n')}\n\`\`\``;
  while (kept > 1 && render(kept).length > maxChars) kept--;
  return { text: render(kept), dropped: lines.length - kept };
}

/** The fixed params, the same for every trial, as a code span; empty when there are none. */
function fixedParamsText(sweep: Sweep): string {
  const entries = Object.entries(sweep.definition.fixed);
  if (entries.length === 0) return '';
  return entries.map(([k, v]) => `${k}=${formatParamValue(v)}`).join(' ');
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
          text: `This stops every running trial of *${escapeUserText(sweep.template)}* sweep #${sweep.number} and starts no new one; finished trials keep their results.`,
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
 * leaderboard of the best trials (ten at most, the rest counted) and the buttons. Whatever a
 * user typed (param values, the metric) is escaped; it holds for any number of trials.
 */
export function renderSweepCard(sweep: Sweep, now: Date): SlackMessage {
  const best = bestText(sweep);
  const facts: [string, string][] = [
    ['Trials', escapeUserText(trialsText(sweep))],
    ['Best so far', best ? escapeUserText(best) : '—'],
    ['Objective', escapeUserText(objectiveText(sweep))],
    ['Search', escapeUserText(algoText(sweep))],
    ['Launched by', mention(sweep.launchedBy)],
    [isSweepEnded(sweep.state) ? 'Took' : 'Elapsed', sweepDuration(sweep, now)],
  ];
  const blocks: Block[] = [header(sweepTitle(sweep)), fields(facts)];
  const fixed = fixedParamsText(sweep);
  if (fixed) blocks.push(section(`*Same for every trial*\n\`${escapeUserText(truncate(fixed, 2000))}\``));
  if (sweep.trials.length > 0) {
    const { rows, rest } = trialTable(sweep);
    const table = tableBlock(rows);
    blocks.push(section(table.text));
    const more = rest + table.dropped;
    if (more > 0) blocks.push(context(`…and ${more} more trial${more === 1 ? '' : 's'}.`));
  }
  if (sweep.reason && sweep.state !== 'succeeded') blocks.push(context(sweep.reason));
  const buttons = sweepButtons(sweep);
  if (buttons) blocks.push(buttons);
  const text = `${sweepTitle(sweep)}: ${trialsText(sweep)}${best ? `; best ${best}` : ''}`;
  return message(escapeUserText(text), blocks);
}

import { rankTrials } from '../../core/sweep/rank-trials.ts';
import type { Sweep } from '../../core/sweep/sweep.ts';
import { formatNumber } from '../format.ts';
import {
  algoText,
  alignColumns,
  bestText,
  formatParamValue,
  objectiveText,
  paramsText,
  SWEEP_EMOJI,
  searchedParams,
  sweepDuration,
  sweepTitle,
  trialName,
  trialsText,
  trialTable,
} from '../sweep-format.ts';
import { plainMentions } from './run-card-text.ts';

/**
 * The sweep card for the terminal: the same facts as the Slack card, the leaderboard as an
 * aligned table (the console redraws these lines in place on a TTY), commands instead of buttons.
 */
export function renderSweepCardText(sweep: Sweep, now: Date): string[] {
  const lines = [sweepTitle(sweep)];
  lines.push(`   ${objectiveText(sweep)}  ·  ${algoText(sweep)}`);
  lines.push(`   trials: ${trialsText(sweep)}`);
  const best = bestText(sweep);
  if (best) lines.push(`   best so far: ${best}`);
  const fixed = Object.entries(sweep.definition.fixed);
  if (fixed.length)
    lines.push(`   same for every trial: ${fixed.map(([k, v]) => `${k}=${formatParamValue(v)}`).join(' ')}`);
  if (sweep.trials.length) {
    const { rows, rest } = trialTable(sweep);
    lines.push(...alignColumns(rows).map((line) => `   ${line}`));
    if (rest > 0) lines.push(`   …and ${rest} more trial${rest === 1 ? '' : 's'}`);
  }
  const time = `${sweep.endedAt ? 'took' : 'elapsed'} ${sweepDuration(sweep, now)}`;
  lines.push(`   ${time}  ·  by ${plainMentions(`<@${sweep.launchedBy}>`)}`);
  if (sweep.reason && sweep.state !== 'succeeded') lines.push(`   ${plainMentions(plainText(sweep.reason))}`);
  if (!sweep.endedAt) lines.push(`   stop: /train stop ${sweep.number}`);
  return lines;
}

/** The fan-in notice for the terminal: how it ended, the best trial and the top five. */
export function renderSweepNoticeText(sweep: Sweep, now: Date): string[] {
  const who = plainMentions(`<@${sweep.launchedBy}>`);
  const words = {
    queued: 'ended',
    running: 'ended',
    succeeded: 'finished',
    failed: 'failed',
    stopped: 'was stopped',
  };
  const count = `${sweep.trials.length} trial${sweep.trials.length === 1 ? '' : 's'}`;
  const lines = [
    `${SWEEP_EMOJI[sweep.state]} ${who} sweep #${sweep.number} ${sweep.template} ${words[sweep.state]} after ${count} in ${sweepDuration(sweep, now)}.`,
  ];
  if (sweep.reason && sweep.state !== 'succeeded')
    lines.push(`   reason: ${plainMentions(plainText(sweep.reason))}`);
  const ranked = rankTrials(sweep);
  const best = ranked[0];
  if (best?.value === undefined) {
    lines.push('   No trial succeeded, so there is no best trial to rerun.');
    return lines;
  }
  const params = paramsText(best.params, searchedParams(sweep));
  lines.push(`   best: ${trialName(best)} ${sweep.definition.metric} ${formatNumber(best.value)}  ${params}`);
  lines.push('   top five:');
  lines.push(...alignColumns(trialTable(sweep, ranked, 5).rows).map((line) => `   ${line}`));
  const rerun = paramsText(best.params, Object.keys(best.params));
  lines.push(`   rerun the best: /train ${sweep.template} ${rerun}`);
  return lines;
}

/** `/train sweeps`: one line per sweep with its progress and best trial. */
export function renderSweepsText(sweeps: readonly Sweep[], now: Date): string {
  if (sweeps.length === 0) return 'No sweeps yet. Try: /train sweep demo lr=[0.01,0.1,1] epochs=[2,4]';
  return sweeps
    .map((s) => {
      const best = bestText(s);
      return `${sweepTitle(s)}  ${trialsText(s)}${best ? `  ·  best ${best}` : ''}  ·  ${sweepDuration(s, now)}`;
    })
    .join('\n');
}

/** Sentences from the sweep core are mrkdwn-ready (user text escaped); a terminal shows them plain. */
function plainText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

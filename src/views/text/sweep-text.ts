import { plural } from '../../core/plural.ts';
import { rankTrials } from '../../core/sweep/rank-trials.ts';
import { isSweepEnded, type Sweep } from '../../core/sweep/sweep.ts';
import { formatNumber, formatParams } from '../format.ts';
import {
  algoText,
  alignColumns,
  bestText,
  objectiveText,
  paramsText,
  SWEEP_EMOJI,
  SWEEP_ENDED_WORDS,
  searchedParams,
  sweepDuration,
  sweepTitle,
  trialName,
  trialsText,
  trialTable,
} from '../sweep-format.ts';
import { userName } from './run-card-text.ts';
import { terminalText, tx } from './terminal.ts';

/** Longest reason shown; a trial's failure can quote a whole traceback. */
const MAX_REASON = 300;

/** Who stopped the sweep, or why it failed, on one line. */
function sweepReasonText(sweep: Sweep): string | undefined {
  const parts: string[] = [];
  if (sweep.state === 'stopped' && sweep.stopRequest)
    parts.push(`stopped by ${userName(sweep.stopRequest.by)}.`);
  if (sweep.reason && sweep.state !== 'succeeded') parts.push(terminalText(sweep.reason, MAX_REASON));
  return parts.length ? parts.join(' ') : undefined;
}

/** Table rows as terminal lines, each cell made safe (params and names come from outside). */
function tableLines(rows: string[][]): string[] {
  return alignColumns(rows.map((row) => row.map((cell) => terminalText(cell, 200)))).map(
    (line) => `   ${line}`,
  );
}

/**
 * The sweep card for the terminal: the same facts as the Slack card, the leaderboard as an
 * aligned table (one line per row, so the console can redraw it in place), commands instead of
 * buttons.
 */
export function renderSweepCardText(sweep: Sweep, now: Date): string[] {
  const lines = [tx`${sweepTitle(sweep)}`];
  lines.push(tx`   ${objectiveText(sweep)}  ·  ${algoText(sweep)}`);
  lines.push(tx`   trials: ${trialsText(sweep)}`);
  const best = bestText(sweep);
  if (best) lines.push(tx`   best so far: ${best}`);
  const fixed = formatParams(sweep.definition.fixed);
  if (fixed) lines.push(tx`   same for every trial: ${fixed}`);
  if (sweep.trials.length) {
    const { rows, rest } = trialTable(sweep);
    lines.push(...tableLines(rows));
    if (rest > 0) lines.push(`   …and ${plural(rest, 'more trial')}`);
  }
  // By state, as the Slack card: `endedAt` is only the clock's end, not whether the sweep ended.
  const ended = isSweepEnded(sweep.state);
  const time = `${ended ? 'took' : 'elapsed'} ${sweepDuration(sweep, now)}`;
  lines.push(`   ${time}  ·  by ${userName(sweep.launchedBy)}`);
  const reason = sweepReasonText(sweep);
  if (reason) lines.push(`   ${reason}`);
  if (!ended) lines.push(`   stop: /train stop ${sweep.number}`);
  return lines;
}

/** The fan-in notice for the terminal: how it ended, the best trial, the top five, the rerun command. */
export function renderSweepNoticeText(sweep: Sweep, now: Date): string[] {
  const count = plural(sweep.trials.length, 'trial');
  const lines = [
    `${SWEEP_EMOJI[sweep.state]} ${userName(sweep.launchedBy)} ${tx`sweep #${sweep.number} ${sweep.template}`} ${SWEEP_ENDED_WORDS[sweep.state]} after ${count} in ${sweepDuration(sweep, now)}.`,
  ];
  const reason = sweepReasonText(sweep);
  if (reason) lines.push(`   reason: ${reason}`);
  const ranked = rankTrials(sweep);
  const best = ranked[0];
  if (best?.value === undefined) {
    lines.push('   No trial succeeded, so there is no best trial to rerun.');
    return lines;
  }
  const params = paramsText(best.params, searchedParams(sweep));
  lines.push(
    tx`   best: ${trialName(best)} ${sweep.definition.metric} ${formatNumber(best.value)}  ${params}`,
  );
  lines.push('   top five:');
  lines.push(...tableLines(trialTable(sweep, ranked, 5).rows));
  lines.push(tx`   rerun the best: /train ${sweep.template} ${formatParams(best.params)}`);
  return lines;
}

/** `/train sweeps`: one line per sweep with its progress and best trial. */
export function renderSweepsText(sweeps: readonly Sweep[], now: Date): string {
  if (sweeps.length === 0) return 'No sweeps yet. Try: /train sweep demo lr=[0.01,0.1,1] epochs=[2,4]';
  return sweeps
    .map((s) => {
      const best = bestText(s);
      return tx`${sweepTitle(s)}  ${trialsText(s)}${best ? `  ·  best ${best}` : ''}  ·  ${sweepDuration(s, now)}`;
    })
    .join('\n');
}

import type { Params, ParamValue } from '../core/run/run.ts';
import { bestTrial, leaderboard } from '../core/sweep/rank-trials.ts';
import type { Sweep, SweepState, SweepTrial } from '../core/sweep/sweep.ts';
import { formatDuration, formatNumber, paramValueText, STATE_LABEL, truncate } from './format.ts';

/**
 * What the sweep card and notice say, as plain text shared by the Block Kit and console views
 * (each escapes for its medium). Nothing here is mrkdwn.
 */

/** How a sweep's notice says it ended: "sweep #57 demo finished after 12 trials". */
export const SWEEP_ENDED_WORDS: Record<SweepState, string> = {
  queued: 'ended',
  running: 'ended',
  succeeded: 'finished',
  failed: 'failed',
  stopped: 'was stopped',
};

export const SWEEP_EMOJI: Record<SweepState, string> = {
  queued: '⏳',
  running: '🧪',
  succeeded: '🏁',
  failed: '❌',
  stopped: '⏹️',
};

export const SWEEP_LABEL: Record<SweepState, string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Finished',
  failed: 'Failed',
  stopped: 'Stopped',
};

/** How many trials the card's table shows; the rest are counted. */
export const CARD_TABLE_ROWS = 10;
/** The longest cell of a param value in a table; longer values are cut with `…`. */
const MAX_CELL = 24;

/** `🧪 Sweep #57 demo · Running`. */
export function sweepTitle(sweep: Sweep): string {
  return `${SWEEP_EMOJI[sweep.state]} Sweep #${sweep.number} ${sweep.template} · ${SWEEP_LABEL[sweep.state]}`;
}

/** `acc ↑ (max)` or `loss ↓ (min)`. */
export function objectiveText(sweep: Sweep): string {
  const { metric, goal } = sweep.definition;
  return `${metric} ${goal === 'max' ? '↑' : '↓'} (${goal})`;
}

/** `tpe · 4 at a time · median stopping · seed 7`. */
export function algoText(sweep: Sweep): string {
  const d = sweep.definition;
  const parts = [d.algo, `${d.parallel} at a time`];
  if (d.earlyStop !== 'none') parts.push(`${d.earlyStop} stopping`);
  if (d.algo !== 'grid') parts.push(`seed ${d.seed}`);
  return parts.join(' · ');
}

/** `12 done · 4 running · 24 total (3 stopped early, 1 failed)`. */
export function trialsText(sweep: Sweep): string {
  const counts = countTrials(sweep.trials);
  const extras: string[] = [];
  if (counts.stoppedEarly) extras.push(`${counts.stoppedEarly} stopped early`);
  if (counts.failed) extras.push(`${counts.failed} failed`);
  const main = `${counts.done} done · ${counts.running} running · ${sweep.definition.trials} total`;
  return extras.length ? `${main} (${extras.join(', ')})` : main;
}

export function countTrials(trials: readonly SweepTrial[]): {
  done: number;
  running: number;
  stoppedEarly: number;
  failed: number;
} {
  let done = 0;
  let running = 0;
  let stoppedEarly = 0;
  let failed = 0;
  for (const t of trials) {
    if (t.state === 'succeeded' || t.state === 'failed' || t.state === 'stopped' || t.state === 'lost')
      done++;
    else running++;
    if (t.stoppedEarly && t.state === 'stopped') stoppedEarly++;
    if (t.state === 'failed' || t.state === 'lost') failed++;
  }
  return { done, running, stoppedEarly, failed };
}

/** `trial 7 (#64) acc 0.93`, or undefined while no trial has succeeded. */
export function bestText(sweep: Sweep): string | undefined {
  const best = bestTrial(sweep);
  if (!best || best.value === undefined) return undefined;
  return `${trialName(best)} ${sweep.definition.metric} ${formatNumber(best.value)}`;
}

/** `trial 7 (#64)`: the trial index and, once it has one, its run's number. */
export function trialName(trial: SweepTrial): string {
  return trial.runNumber === undefined
    ? `trial ${trial.index}`
    : `trial ${trial.index} (#${trial.runNumber})`;
}

/** The params the sweep searches (the rest are the same for every trial). */
export function searchedParams(sweep: Sweep): string[] {
  return sweep.definition.spaces.map((s) => s.param);
}

/** A param value as a cell or a `name=value` pair shows it; a trial without the param shows nothing. */
function formatParamValue(value: ParamValue | undefined): string {
  return value === undefined ? '' : paramValueText(value);
}

/** `lr=0.1 epochs=4`: the given params of a trial, in the sweep's order. */
export function paramsText(params: Params, names: readonly string[]): string {
  return names.map((name) => `${name}=${formatParamValue(params[name])}`).join(' ');
}

/** How a trial's state reads in the table. */
export function trialStateText(trial: SweepTrial): string {
  if (trial.state === 'stopped' && trial.stoppedEarly) return 'stopped early';
  return STATE_LABEL[trial.state].toLowerCase();
}

/** How long the sweep has been going (or went). */
export function sweepDuration(sweep: Sweep, now: Date): string {
  const from = Date.parse(sweep.createdAt);
  const to = sweep.endedAt ? Date.parse(sweep.endedAt) : now.getTime();
  return formatDuration(Math.max(0, to - from));
}

/**
 * The leaderboard as table rows of plain cells (a header row first): the best trials by the
 * metric, at most `limit`, with `★` on the best succeeded one. `rest` counts the trials left out.
 */
export function trialTable(
  sweep: Sweep,
  trials: readonly SweepTrial[] = leaderboard(sweep),
  limit = CARD_TABLE_ROWS,
): { rows: string[][]; rest: number } {
  const names = searchedParams(sweep);
  const best = bestTrial(sweep);
  const header = [
    '',
    'trial',
    'run',
    ...names.map((n) => truncate(n, MAX_CELL)),
    'state',
    sweep.definition.metric,
  ];
  const rows = trials
    .slice(0, limit)
    .map((t) => [
      t === best ? '★' : '',
      String(t.index),
      t.runNumber === undefined ? '' : `#${t.runNumber}`,
      ...names.map((n) => truncate(formatParamValue(t.params[n]), MAX_CELL)),
      trialStateText(t),
      t.value === undefined ? '' : formatNumber(t.value),
    ]);
  return { rows: [header, ...rows], rest: Math.max(0, trials.length - limit) };
}

/** Rows as lines of padded columns, two spaces apart (for a code block or a terminal). */
export function alignColumns(rows: readonly string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, Array.from(cell).length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, i) => cell + ' '.repeat(widths[i] - Array.from(cell).length))
      .join('  ')
      .trimEnd(),
  );
}

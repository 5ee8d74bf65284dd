import { isEnded, type Run } from '../../core/run/run.ts';
import {
  formatDuration,
  formatMetrics,
  formatNumber,
  formatParams,
  formatProgress,
  progressBar,
  progressFraction,
  runDuration,
  STATE_EMOJI,
  STATE_LABEL,
} from '../format.ts';
import { mainMetricLine } from '../metric-lines.ts';
import { originText, outputPairs, placementText } from '../run-facts.ts';
import { terminalText, tx } from './terminal.ts';

/** Longest reason shown on a card line; a termination message can be a whole traceback. */
const MAX_REASON = 300;

/** Characters of the live card's sparkline. */
const SPARKLINE_WIDTH = 24;

/** `@U123`: how the console names a user. */
export const userName = (id: string): string => tx`@${id}`;

/** Why a run is where it is, on one line: who stopped it, and the reason in its own words. */
export function runReasonText(run: Run): string | undefined {
  const parts: string[] = [];
  if (run.state === 'stopped' && run.stoppedBy) parts.push(`stopped by ${userName(run.stoppedBy)}.`);
  if (run.reason) parts.push(terminalText(run.reason, MAX_REASON));
  return parts.length ? parts.join(' ') : undefined;
}

/** `  ·  process: pid 42`, `  ·  kubernetes: ml/demo-3-abcde`: the runtime and the run's place in it. */
function whereText(run: Run): string {
  const handle = placementText(run);
  if (run.runtime) return handle ? tx`  ·  ${run.runtime}: ${handle}` : tx`  ·  ${run.runtime}`;
  return handle ? tx`  ·  ${handle}` : '';
}

/** The run card as terminal lines: the same facts as the Slack card. */
export function renderRunCardText(run: Run, now: Date): string[] {
  const lines = [
    tx`${STATE_EMOJI[run.state]} #${run.number} ${run.spec.template}  ${STATE_LABEL[run.state]}`,
  ];
  const params = formatParams(run.spec.params);
  if (params) lines.push(tx`   params: ${params}`);
  const origin = originText(run) ?? (run.schedule ? `schedule ${run.schedule}` : undefined);
  if (origin) lines.push(`   from ${terminalText(origin, 300)}`);
  if (run.progress) {
    lines.push(tx`   ${progressBar(progressFraction(run.progress), 24)} ${formatProgress(run.progress)}`);
  }
  const metrics = formatMetrics(run.metrics);
  if (metrics) lines.push(tx`   ${metrics}`);
  const outputs = outputPairs(run);
  if (outputs.length) lines.push(`   outputs: ${terminalText(outputs.join(' '), 1000)}`);
  // While it runs, the main metric's trend next to its latest value.
  const main = isEnded(run.state) ? undefined : mainMetricLine(run, SPARKLINE_WIDTH);
  if (main) lines.push(tx`   ${main.metric} ${main.spark} ${formatNumber(main.latest)}`);
  const time = `${isEnded(run.state) ? 'took' : 'elapsed'} ${formatDuration(runDuration(run, now))}`;
  lines.push(`   ${time}  ·  by ${userName(run.launchedBy)}${whereText(run)}`);
  const reason = run.state !== 'running' && run.state !== 'succeeded' ? runReasonText(run) : undefined;
  if (reason) lines.push(`   ${reason}`);
  if (run.runtimeNote) lines.push(tx`   ⚠ ${run.runtimeNote}`);
  return lines;
}

/** One line per run for non-interactive output: state, progress and metrics. */
export function renderRunLine(run: Run, now: Date): string {
  const parts = [
    tx`${STATE_EMOJI[run.state]} #${run.number} ${run.spec.template} ${STATE_LABEL[run.state].toLowerCase()}`,
  ];
  if (run.progress && !isEnded(run.state)) parts.push(tx`${formatProgress(run.progress)}`);
  const metrics = formatMetrics(run.metrics, 4);
  if (metrics) parts.push(tx`${metrics}`);
  parts.push(formatDuration(runDuration(run, now)));
  const reason = run.state !== 'running' && run.state !== 'succeeded' ? runReasonText(run) : undefined;
  if (reason) parts.push(reason);
  return parts.join('  ');
}

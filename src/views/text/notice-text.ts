import { runObjective } from '../../core/chart/run-objective.ts';
import { plural } from '../../core/plural.ts';
import type { Run } from '../../core/run/run.ts';
import {
  formatDuration,
  formatMetrics,
  formatNumber,
  runDuration,
  STATE_EMOJI,
  STATE_LABEL,
} from '../format.ts';
import { metricLines } from '../metric-lines.ts';
import { ARTIFACTS_NOT_KEPT, artifactList, outputPairs } from '../run-facts.ts';
import { runReasonText, userName } from './run-card-text.ts';
import { terminalText, tx } from './terminal.ts';

/** The completion notice for the terminal; failures show the reason and the last log lines. */
export function renderNoticeText(run: Run, logTail: string[], now: Date): string[] {
  const took = formatDuration(runDuration(run, now));
  const lines = [
    `${STATE_EMOJI[run.state]} ${userName(run.launchedBy)} ${tx`run #${run.number} ${run.spec.template} ${STATE_LABEL[run.state].toLowerCase()}`} after ${took}.`,
  ];
  const metrics = formatMetrics(run.metrics);
  if (metrics) lines.push(tx`   final: ${metrics}`);
  const outputs = outputPairs(run);
  if (outputs.length) lines.push(`   outputs: ${terminalText(outputs.join(' '), 1000)}`);
  const artifacts = artifactsText(run);
  if (artifacts) lines.push(`   ${artifacts}`);
  lines.push(...renderSparklinesText(run));
  if (run.state !== 'succeeded') {
    const reason = runReasonText(run);
    if (reason) lines.push(`   reason: ${reason}`);
    if (run.state === 'failed' && logTail.length)
      lines.push(
        `   last ${plural(logTail.length, 'log line')}:`,
        ...logTail.map((l) => `   │ ${terminalText(l, 500)}`),
      );
  }
  return lines;
}

/** Said when a finished run's full log is kept: how long it is and how to see it. */
export function renderLogKeptText(run: Run, lineCount: number): string {
  return `   📄 full log: ${plural(lineCount, 'line')}; "logs ${run.number}" shows the end of it.`;
}

/** Printed when a run is launched from the console: which run, on which runtime, and what that runtime leaves out. */
export function renderLaunchedText(run: Run): string[] {
  const runtime = run.runtime ? tx` on the ${run.runtime} runtime` : '';
  const lines = [tx`🚂 Launched run #${run.number} (${run.spec.template}) as ${run.id}` + `${runtime}.`];
  if (run.runtimeNote) lines.push(tx`   ⚠ ${run.runtimeNote}`);
  return lines;
}

/** `artifacts: model.json (1.2 kB), …`, or the note that none are kept; undefined when there are none. */
export function artifactsText(run: Run): string | undefined {
  if (run.artifacts?.kept === false) return ARTIFACTS_NOT_KEPT;
  const list = artifactList(run.artifacts);
  return list ? `artifacts: ${terminalText(list, 3000)}` : undefined;
}

/** Characters of each metric's sparkline in a notice or a chart answer. */
const SPARKLINE_WIDTH = 32;

/**
 * A sparkline of each metric of a run with enough points for a chart, aligned:
 * `   loss  █▆▅▄▃▂▂▁  0.6931 → 0.1203 (30 points)`. Nothing for a run with fewer.
 */
export function renderSparklinesText(run: Run): string[] {
  const lines = metricLines(run.history, SPARKLINE_WIDTH, runObjective(run)?.metric);
  const names = lines.map((l) => terminalText(l.metric, 40));
  const pad = Math.max(0, ...names.map((n) => n.length));
  return lines.map(
    (l, i) =>
      `   ${names[i].padEnd(pad)}  ${l.spark}  ${formatNumber(l.first)} → ${formatNumber(l.last)} (${plural(l.points, 'point')})`,
  );
}

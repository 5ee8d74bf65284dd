import { plural } from '../../core/plural.ts';
import type { Run } from '../../core/run/run.ts';
import { formatDuration, formatMetrics, runDuration, STATE_EMOJI, STATE_LABEL } from '../format.ts';
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

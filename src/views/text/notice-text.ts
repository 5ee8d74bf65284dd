import type { Run } from '../../core/run/run.ts';
import { formatDuration, formatMetrics, runDuration, STATE_EMOJI, STATE_LABEL } from '../format.ts';
import { plainMentions } from './run-card-text.ts';

/** The completion notice for the terminal; failures show the reason and the last log lines. */
export function renderNoticeText(run: Run, logTail: string[], now: Date): string[] {
  const who = plainMentions(`<@${run.launchedBy}>`);
  const took = formatDuration(runDuration(run, now));
  const lines = [
    `${STATE_EMOJI[run.state]} ${who} run #${run.number} ${run.spec.template} ${STATE_LABEL[run.state].toLowerCase()} after ${took}.`,
  ];
  const metrics = formatMetrics(run.metrics);
  if (metrics) lines.push(`   final: ${metrics}`);
  if (run.state !== 'succeeded') {
    if (run.reason) lines.push(`   reason: ${plainMentions(run.reason)}`);
    if (run.state === 'failed' && logTail.length)
      lines.push('   last log lines:', ...logTail.map((l) => `   │ ${l}`));
  }
  return lines;
}

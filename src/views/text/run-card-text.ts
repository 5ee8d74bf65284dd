import { isEnded, type Run } from '../../core/run/run.ts';
import {
  formatDuration,
  formatMetrics,
  formatParams,
  formatProgress,
  progressBar,
  progressFraction,
  runDuration,
  STATE_EMOJI,
  STATE_LABEL,
} from '../format.ts';

/** Slack mentions (`<@U123>`) read as `@U123` on a terminal. */
export function plainMentions(text: string): string {
  return text.replace(/<@([A-Za-z0-9._-]+)(\|[^>]*)?>/g, '@$1');
}

/** The run card as terminal lines: the same facts as the Slack card. */
export function renderRunCardText(run: Run, now: Date): string[] {
  const head = `${STATE_EMOJI[run.state]} #${run.number} ${run.spec.template}  ${STATE_LABEL[run.state]}`;
  const lines = [head];
  const params = formatParams(run.spec.params);
  if (params) lines.push(`   params: ${params}`);
  if (run.schedule) lines.push(`   from schedule ${run.schedule}`);
  if (run.progress) {
    lines.push(`   ${progressBar(progressFraction(run.progress), 24)} ${formatProgress(run.progress)}`);
  }
  const metrics = formatMetrics(run.metrics);
  if (metrics) lines.push(`   ${metrics}`);
  const time = `${isEnded(run.state) ? 'took' : 'elapsed'} ${formatDuration(runDuration(run, now))}`;
  const where = run.placement
    ? `  ·  ${run.placement.namespace ? `${run.placement.namespace}/` : ''}${run.placement.handle}`
    : '';
  lines.push(`   ${time}  ·  by ${plainMentions(`<@${run.launchedBy}>`)}${where}`);
  if (run.reason && run.state !== 'running' && run.state !== 'succeeded') {
    lines.push(`   ${plainMentions(run.reason)}`);
  }
  return lines;
}

/** One line per run for non-interactive output: state, progress and metrics. */
export function renderRunLine(run: Run, now: Date): string {
  const parts = [
    `${STATE_EMOJI[run.state]} #${run.number} ${run.spec.template} ${STATE_LABEL[run.state].toLowerCase()}`,
  ];
  if (run.progress && !isEnded(run.state)) parts.push(formatProgress(run.progress));
  const metrics = formatMetrics(run.metrics, 4);
  if (metrics) parts.push(metrics);
  parts.push(formatDuration(runDuration(run, now)));
  if (run.reason && run.state !== 'running' && run.state !== 'succeeded')
    parts.push(plainMentions(run.reason));
  return parts.join('  ');
}

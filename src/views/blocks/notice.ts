import { NOTICE_LOG_LINES, type Run } from '../../core/run/run.ts';
import { formatDuration, formatMetrics, runDuration, STATE_EMOJI, STATE_LABEL } from '../format.ts';
import {
  type Block,
  codeBlock,
  escapeMrkdwn,
  LIMITS,
  mention,
  message,
  type SlackMessage,
  section,
} from './block-kit.ts';

/**
 * The completion notice (a thread reply also shown in the channel): mentions the launcher,
 * says how the run ended and how long it took, with the final metrics; a run that did not
 * succeed adds its reason and the last log lines.
 */
export function renderNotice(run: Run, logTail: string[], now: Date = new Date()): SlackMessage {
  const took = formatDuration(runDuration(run, now));
  // One sentence for both: the block shows the template bold, the notification as typed.
  const sentence = (template: string) =>
    `${STATE_EMOJI[run.state]} ${mention(run.launchedBy)} run #${run.number} ${template} ${STATE_LABEL[run.state].toLowerCase()} after ${took}.`;
  const blocks: Block[] = [section(sentence(`*${escapeMrkdwn(run.spec.template)}*`))];
  const metrics = formatMetrics(run.metrics);
  if (metrics) blocks.push(section(`*Final metrics*\n\`${escapeMrkdwn(metrics)}\``));
  if (run.state !== 'succeeded') {
    if (run.reason) blocks.push(section(`*Reason:* ${run.reason}`));
    const tail = logTail.slice(-NOTICE_LOG_LINES);
    if (tail.length) {
      const title = `*Last ${tail.length} log lines*\n`;
      blocks.push(section(title + codeBlock(tail, LIMITS.sectionText - title.length)));
    }
  }
  return message(sentence(run.spec.template), blocks);
}

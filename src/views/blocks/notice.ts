import type { Run } from '../../core/run/run.ts';
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

/** How many log lines a failure notice shows. */
export const NOTICE_LOG_LINES = 15;

/**
 * The completion notice (a thread reply also shown in the channel): mentions the launcher,
 * says how the run ended and how long it took, with the final metrics; a run that did not
 * succeed adds its reason and the last log lines.
 */
export function renderNotice(run: Run, logTail: string[], now: Date = new Date()): SlackMessage {
  const took = formatDuration(runDuration(run, now));
  const headline = `${STATE_EMOJI[run.state]} ${mention(run.launchedBy)} run #${run.number} *${escapeMrkdwn(run.spec.template)}* ${STATE_LABEL[run.state].toLowerCase()} after ${took}.`;
  const blocks: Block[] = [section(headline)];
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
  const text = `${STATE_EMOJI[run.state]} ${mention(run.launchedBy)} run #${run.number} ${run.spec.template} ${STATE_LABEL[run.state].toLowerCase()} after ${took}.`;
  return message(text, blocks);
}

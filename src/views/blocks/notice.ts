import { plural } from '../../core/plural.ts';
import { NOTICE_LOG_LINES, type Run } from '../../core/run/run.ts';
import { formatDuration, formatMetrics, runDuration, STATE_EMOJI, STATE_LABEL } from '../format.ts';
import { ARTIFACTS_NOT_KEPT, artifactList, outputPairs } from '../run-facts.ts';
import { type Block, context, LIMITS, message, type SlackMessage, section } from './block-kit.ts';
import { bold, code, codeBlock, type Mrkdwn, md, mention, plain } from './mrkdwn.ts';
import { runReason } from './run-card.ts';

/**
 * The completion notice (a thread reply also shown in the channel): mentions the launcher,
 * says how the run ended and how long it took, with the final metrics; a run that did not
 * succeed adds its reason and the last log lines.
 */
export function renderNotice(run: Run, logTail: string[], now: Date = new Date()): SlackMessage {
  const took = formatDuration(runDuration(run, now));
  // One sentence for both: the block shows the template bold, the notification as typed.
  const sentence = (template: Mrkdwn) =>
    md`${STATE_EMOJI[run.state]} ${mention(run.launchedBy)} run #${run.number} ${template} ${STATE_LABEL[run.state].toLowerCase()} after ${took}.`;
  const blocks: Block[] = [section(sentence(bold(plain(run.spec.template, 200))))];
  const metrics = formatMetrics(run.metrics);
  if (metrics) blocks.push(section(md`*Final metrics*\n${code(metrics, 2900)}`));
  const outputs = outputPairs(run);
  if (outputs.length) blocks.push(section(md`*Outputs*\n${code(outputs.join(' '), 2900)}`));
  const artifacts = artifactsBlock(run);
  if (artifacts) blocks.push(artifacts);
  if (run.state !== 'succeeded') {
    const reason = runReason(run);
    if (reason) blocks.push(section(md`*Reason:* ${reason}`));
    const tail = logTailBlock(logTail);
    if (tail) blocks.push(tail);
  }
  return message(sentence(plain(run.spec.template, 200)), blocks);
}

/** The last NOTICE_LOG_LINES of a failed run's log under their count; undefined when there are none. */
export function logTailBlock(logTail: readonly string[]): Block | undefined {
  const tail = logTail.slice(-NOTICE_LOG_LINES);
  if (tail.length === 0) return undefined;
  const title = md`*Last ${plural(tail.length, 'log line')}*\n`;
  return section(md`${title}${codeBlock(tail, LIMITS.sectionText - title.mrkdwn.length)}`);
}

/** The files the run left in its artifacts folder, or the note that none are kept. */
export function artifactsBlock(run: Run): Block | undefined {
  if (run.artifacts?.kept === false) return context(md`${ARTIFACTS_NOT_KEPT}`);
  const list = artifactList(run.artifacts);
  if (!list) return undefined;
  return section(md`*Artifacts* (${code(run.id)})\n${code(list, 2800)}`);
}

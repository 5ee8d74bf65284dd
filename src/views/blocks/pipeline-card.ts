import { finalOutputs } from '../../core/pipeline/final-outputs.ts';
import { type PipelineRun, pipelineRunState } from '../../core/pipeline/pipeline-run.ts';
import { NOTICE_LOG_LINES, type Run } from '../../core/run/run.ts';
import { formatDuration } from '../format.ts';
import {
  PIPELINE_EMOJI,
  PIPELINE_LABEL,
  pipelineDuration,
  type StepSummary,
  summarizeSteps,
} from '../pipeline-steps.ts';
import {
  type Block,
  codeBlock,
  context,
  fields,
  header,
  LIMITS,
  message,
  type SlackMessage,
  section,
} from './block-kit.ts';
import { codeSpan, mrkdwnText, userMention } from './code-span.ts';

/**
 * The pipeline card (posted once, then updated in place: step runs post no cards of their own)
 * and the pipeline's one completion notice. Every text that came from YAML, jobs or the cluster
 * (step names, params, outputs, reasons, log lines) is escaped; mentions are Trainyard's own.
 */

/** Run numbers a step line lists before `+N more`. */
const LINE_RUN_NUMBERS = 8;

export function renderPipelineCard(
  record: PipelineRun,
  lookupRun: (id: string) => Run | undefined,
  now: Date,
): SlackMessage {
  const state = pipelineRunState(record);
  const name = mrkdwnText(record.pipeline.name, 60);
  const took = formatDuration(pipelineDuration(record, now));
  const ended = record.end !== undefined;
  const blocks: Block[] = [
    header(
      `${PIPELINE_EMOJI[state]} Pipeline #${record.number} ${record.pipeline.name} · ${PIPELINE_LABEL[state]}`,
    ),
    fields([
      ['Status', `${PIPELINE_EMOJI[state]} ${PIPELINE_LABEL[state]}`],
      ['Launched by', userMention(record.launchedBy)],
      [ended ? 'Duration' : 'Elapsed', took],
    ]),
  ];
  const params = Object.entries(record.params).map(([k, v]) => `${k}=${String(v)}`);
  if (params.length > 0) blocks.push(section(`*Params*\n${codeSpan(params.join(' '), 500)}`));
  blocks.push(...packLines(summarizeSteps(record, lookupRun, now).map(stepLine)));
  if (record.end && record.end.state !== 'succeeded') blocks.push(context(endReason(record)));
  const text = `${PIPELINE_EMOJI[state]} Pipeline #${record.number} ${name} · ${PIPELINE_LABEL[state]}, by ${userMention(record.launchedBy)}, ${ended ? 'took' : 'elapsed'} ${took}`;
  return message(text, blocks, 'steps');
}

/**
 * The completion notice: mentions the launcher, says how the pipeline ended, lists the outputs
 * of its final steps, and for a failure the failed step, its reason and `logTail` (the failed
 * run's last log lines, read by the caller).
 */
export function renderPipelineNotice(
  record: PipelineRun,
  lookupRun: (id: string) => Run | undefined,
  logTail: string[],
  now: Date,
): SlackMessage {
  const state = pipelineRunState(record);
  const took = formatDuration(pipelineDuration(record, now));
  const sentence = (name: string) =>
    `${PIPELINE_EMOJI[state]} ${userMention(record.launchedBy)} pipeline #${record.number} ${name} ${PIPELINE_LABEL[state].toLowerCase()} after ${took}.`;
  const name = mrkdwnText(record.pipeline.name, 60);
  const blocks: Block[] = [section(sentence(`*${name}*`))];

  const outputs = finalOutputs(record.pipeline, record.steps).flatMap((o) => {
    const shown = Object.entries(o.outputs).map(([k, v]) => `${k}=${v}`);
    if (shown.length === 0) return [];
    const run = lookupRun(o.runId);
    const which = `*${mrkdwnText(o.key, 60)}*${run ? ` #${run.number}` : ''}${o.best ? ' (best)' : ''}`;
    return [`${which}: ${codeSpan(shown.join(' '), 400)}`];
  });
  if (outputs.length > 0) blocks.push(...packLines(outputs, '*Outputs*'));

  const end = record.end;
  if (end?.state === 'failed') {
    const failed = record.steps[end.key];
    const runId = failed && 'runId' in failed ? failed.runId : undefined;
    const run = runId ? lookupRun(runId) : undefined;
    blocks.push(
      section(
        `*Failed step:* *${mrkdwnText(end.key, 60)}*${run ? ` (run #${run.number})` : ''}\n*Reason:* ${mrkdwnText(end.reason, 500)}`,
      ),
    );
    const tail = logTail.slice(-NOTICE_LOG_LINES);
    if (tail.length > 0) {
      const title = `*Last ${tail.length} log lines*\n`;
      blocks.push(section(title + codeBlock(tail, LIMITS.sectionText - title.length)));
    }
  } else if (end?.state === 'stopped') {
    blocks.push(section(`*Reason:* ${endReason(record)}`));
  }
  return message(sentence(name), blocks);
}

/** Why the pipeline did not succeed; a stop names who stopped it as a mention. */
function endReason(record: PipelineRun): string {
  const end = record.end;
  if (!end || end.state === 'succeeded') return '';
  if (end.state === 'stopped' && end.key === undefined && record.stop)
    return `stopped by ${userMention(record.stop.by)}`;
  if (end.state === 'failed') return `${mrkdwnText(end.key, 60)} failed: ${mrkdwnText(end.reason, 500)}`;
  return mrkdwnText(end.reason, 500);
}

/** `✅ *prep* · succeeded · #58 · 3s · `rows=2000``: one mrkdwn line, every outside text escaped. */
export function stepLine(s: StepSummary): string {
  const parts = [`${s.emoji} *${mrkdwnText(s.step, 60)}*`, s.label];
  if (s.runNumbers.length > 0) {
    const shown = s.runNumbers.slice(0, LINE_RUN_NUMBERS).map((n) => `#${n}`);
    const more = s.runNumbers.length - shown.length;
    parts.push(shown.join(' ') + (more > 0 ? ` +${more} more` : ''));
  }
  if (s.durationMs !== undefined) parts.push(formatDuration(s.durationMs));
  if (s.outputs.length > 0) {
    const best = s.bestRun === undefined ? '' : `best #${s.bestRun} `;
    parts.push(best + codeSpan(s.outputs.map(([k, v]) => `${k}=${truncateValue(v)}`).join(' '), 200));
  }
  if (s.cause?.kind === 'pipeline-stopped')
    parts.push(`skipped: pipeline stopped by ${userMention(s.cause.by)}`);
  else if (s.reason) parts.push(mrkdwnText(s.reason, 300));
  return parts.join(' · ');
}

function truncateValue(value: string): string {
  return value.length <= 40 ? value : `${value.slice(0, 39)}…`;
}

/**
 * Lines packed into as few sections as fit Slack's 3000 characters each; lines are whole
 * (each is far shorter than a section), so no cut can open a code span it does not close.
 */
function packLines(lines: string[], title?: string): Block[] {
  const blocks: Block[] = [];
  let current = title ?? '';
  for (const line of lines) {
    const next = current === '' ? line : `${current}\n${line}`;
    if (next.length > LIMITS.sectionText && current !== '') {
      blocks.push(section(current));
      current = line;
    } else {
      current = next;
    }
  }
  if (current !== '') blocks.push(section(current));
  return blocks;
}

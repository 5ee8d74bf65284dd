import type { PipelineEnd } from '../../core/pipeline/decide-pipeline.ts';
import { type PipelineRun, pipelineRunState } from '../../core/pipeline/pipeline-run.ts';
import type { Run } from '../../core/run/run.ts';
import { formatDuration, truncate } from '../format.ts';
import {
  finalOutputLines,
  PIPELINE_EMOJI,
  PIPELINE_LABEL,
  pipelineArtifacts,
  pipelineDuration,
  pipelineParamsText,
  type StepSummary,
  summarizeSteps,
} from '../pipeline-steps.ts';
import { ARTIFACTS_NOT_KEPT } from '../run-facts.ts';
import {
  type Block,
  context,
  fields,
  header,
  LIMITS,
  message,
  type SlackMessage,
  section,
} from './block-kit.ts';
import { code, inline, joinMd, type Mrkdwn, md, mention } from './mrkdwn.ts';
import { logTailBlock } from './notice.ts';

/**
 * The pipeline card (posted once, then updated in place: step runs post no cards of their own)
 * and the pipeline's one completion notice. Every text that came from YAML, jobs or the cluster
 * (step names, params, outputs, reasons, log lines) goes through mrkdwn.ts; the only mentions
 * are of the launcher and whoever stopped the pipeline, from the ids the record holds.
 */

/** Run numbers a step line lists before `+N more`. */
const LINE_RUN_NUMBERS = 8;

export function renderPipelineCard(
  record: PipelineRun,
  lookupRun: (id: string) => Run | undefined,
  now: Date,
): SlackMessage {
  const state = pipelineRunState(record);
  const took = formatDuration(pipelineDuration(record, now));
  const ended = record.end !== undefined;
  const blocks: Block[] = [
    header(
      `${PIPELINE_EMOJI[state]} Pipeline #${record.number} ${record.pipeline.name} · ${PIPELINE_LABEL[state]}`,
    ),
    fields([
      ['Status', md`${PIPELINE_EMOJI[state]} ${PIPELINE_LABEL[state]}`],
      ['Launched by', mention(record.launchedBy)],
      [ended ? 'Duration' : 'Elapsed', md`${took}`],
    ]),
  ];
  const params = pipelineParamsText(record);
  if (params) blocks.push(section(md`*Params*\n${code(params, 500)}`));
  blocks.push(...packLines(summarizeSteps(record, lookupRun, now).map(stepLine)));
  if (record.end && record.end.state !== 'succeeded') blocks.push(context(endReason(record, record.end)));
  const text = md`${PIPELINE_EMOJI[state]} Pipeline #${record.number} ${inline(record.pipeline.name, 60)} · ${PIPELINE_LABEL[state]}, by ${mention(record.launchedBy)}, ${ended ? 'took' : 'elapsed'} ${took}`;
  return message(text, blocks, 'step');
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
  const name = inline(record.pipeline.name, 60);
  const said = (shownName: Mrkdwn) =>
    md`${PIPELINE_EMOJI[state]} ${mention(record.launchedBy)} pipeline #${record.number} ${shownName} ${PIPELINE_LABEL[state].toLowerCase()} after ${took}.`;
  const blocks: Block[] = [section(said(md`*${name}*`))];

  const outputs = finalOutputLines(record, lookupRun).map((o) => {
    const which = md`*${inline(o.key, 60)}*${o.number !== undefined ? ` #${o.number}` : ''}${o.best ? ' (best)' : ''}`;
    return md`${which}: ${code(o.pairs, 400)}`;
  });
  if (outputs.length > 0) blocks.push(...packLines(outputs, md`*Outputs*`));

  const artifacts = pipelineArtifacts(record, lookupRun);
  const kept = artifacts.steps.map((s) => md`*${inline(s.key, 60)}* #${s.number}: ${code(s.list, 1200)}`);
  if (kept.length > 0) blocks.push(...packLines(kept, md`*Artifacts*`));
  if (artifacts.notKept) blocks.push(context(md`${ARTIFACTS_NOT_KEPT}`));

  const end = record.end;
  if (end?.state === 'failed') {
    const failed = record.steps[end.key];
    const runId = failed && 'runId' in failed ? failed.runId : undefined;
    const run = runId ? lookupRun(runId) : undefined;
    blocks.push(
      section(
        md`*Failed step:* *${inline(end.key, 60)}*${run ? ` (run #${run.number})` : ''}\n*Reason:* ${inline(end.reason, 500)}`,
      ),
    );
    const tail = logTailBlock(logTail);
    if (tail) blocks.push(tail);
  } else if (end?.state === 'stopped') {
    blocks.push(section(md`*Reason:* ${endReason(record, end)}`));
  }
  return message(said(name), blocks);
}

/** Why the pipeline did not succeed; a stop names who stopped it as a mention. */
function endReason(record: PipelineRun, end: Exclude<PipelineEnd, { state: 'succeeded' }>): Mrkdwn {
  if (end.state === 'stopped' && end.key === undefined && record.stop)
    return md`stopped by ${mention(record.stop.by)}`;
  if (end.state === 'failed') return md`${inline(end.key, 60)} failed: ${inline(end.reason, 500)}`;
  return inline(end.reason, 500);
}

/** `✅ *prep* · succeeded · #58 · 3s · `rows=2000``: one line, every outside text escaped. */
function stepLine(s: StepSummary): Mrkdwn {
  const parts = [md`${s.emoji} *${inline(s.step, 60)}*`, md`${s.label}`];
  if (s.runNumbers.length > 0) {
    const shown = s.runNumbers.slice(0, LINE_RUN_NUMBERS).map((n) => `#${n}`);
    const more = s.runNumbers.length - shown.length;
    parts.push(md`${shown.join(' ')}${more > 0 ? ` +${more} more` : ''}`);
  }
  if (s.durationMs !== undefined) parts.push(md`${formatDuration(s.durationMs)}`);
  if (s.outputs.length > 0) {
    const best = s.bestRun === undefined ? '' : `best #${s.bestRun} `;
    const outputs = s.outputs.map(([k, v]) => `${k}=${truncate(v, 40)}`).join(' ');
    parts.push(md`${best}${code(outputs, 200)}`);
  }
  if (s.cause?.kind === 'pipeline-stopped')
    parts.push(md`skipped: pipeline stopped by ${mention(s.cause.by)}`);
  else if (s.reason) parts.push(inline(s.reason, 300));
  return joinMd(parts, ' · ');
}

/**
 * Lines packed into as few sections as fit Slack's 3000 characters each; lines are whole
 * (each is far shorter than a section), so no cut can open a code span it does not close.
 */
function packLines(lines: Mrkdwn[], title?: Mrkdwn): Block[] {
  const blocks: Block[] = [];
  let current: Mrkdwn[] = title ? [title] : [];
  // Length of `current` joined by line breaks.
  let size = title ? title.mrkdwn.length : 0;
  for (const line of lines) {
    if (current.length > 0 && size + 1 + line.mrkdwn.length > LIMITS.sectionText) {
      blocks.push(section(joinMd(current, '\n')));
      current = [];
    }
    size = current.length === 0 ? line.mrkdwn.length : size + 1 + line.mrkdwn.length;
    current.push(line);
  }
  if (current.length > 0) blocks.push(section(joinMd(current, '\n')));
  return blocks;
}

import type { PipelineEnd } from '../../core/pipeline/decide-pipeline.ts';
import { type PipelineRun, pipelineRunState } from '../../core/pipeline/pipeline-run.ts';
import { NOTICE_LOG_LINES, type Run } from '../../core/run/run.ts';
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
import { userName } from './run-card-text.ts';
import { terminalText, tx } from './terminal.ts';

/**
 * The pipeline card and completion notice as terminal lines: the same facts as the Slack views.
 * Every string from YAML, jobs or the cluster goes through terminalText, so each line is one
 * line and no escape sequence reaches the terminal.
 */

/** The pipeline card as terminal lines, one line per step. */
export function renderPipelineCardText(
  record: PipelineRun,
  lookupRun: (id: string) => Run | undefined,
  now: Date,
): string[] {
  const state = pipelineRunState(record);
  const lines = [
    tx`${PIPELINE_EMOJI[state]} pipeline #${record.number} ${record.pipeline.name}  ${PIPELINE_LABEL[state]}`,
  ];
  const params = pipelineParamsText(record);
  if (params) lines.push(`   params: ${terminalText(params, 300)}`);
  for (const s of summarizeSteps(record, lookupRun, now)) lines.push(`   ${stepLineText(s)}`);
  const time = `${record.end ? 'took' : 'elapsed'} ${formatDuration(pipelineDuration(record, now))}`;
  lines.push(`   ${time}  ·  by ${userName(record.launchedBy)}`);
  return lines;
}

/** The completion notice for the terminal: final outputs, or the failed step, its reason and log tail. */
export function renderPipelineNoticeText(
  record: PipelineRun,
  lookupRun: (id: string) => Run | undefined,
  logTail: string[],
  now: Date,
): string[] {
  const state = pipelineRunState(record);
  const took = formatDuration(pipelineDuration(record, now));
  const lines = [
    `${PIPELINE_EMOJI[state]} ${userName(record.launchedBy)} ${tx`pipeline #${record.number} ${record.pipeline.name}`} ${PIPELINE_LABEL[state].toLowerCase()} after ${took}.`,
  ];
  for (const o of finalOutputLines(record, lookupRun)) {
    const which = `${terminalText(o.key, 60)}${o.number !== undefined ? ` #${o.number}` : ''}${o.best ? ' (best)' : ''}`;
    lines.push(`   ${which}: ${terminalText(o.pairs, 400)}`);
  }
  const artifacts = pipelineArtifacts(record, lookupRun);
  if (artifacts.steps.length > 0) lines.push('   artifacts:');
  for (const s of artifacts.steps) {
    lines.push(`     ${terminalText(s.key, 60)} #${s.number}: ${terminalText(s.list, 1200)}`);
  }
  if (artifacts.notKept) lines.push(`   ${ARTIFACTS_NOT_KEPT}`);
  const end = record.end;
  if (end?.state === 'failed') {
    lines.push(tx`   failed step: ${end.key}`, `   reason: ${terminalText(end.reason, 500)}`);
    const tail = logTail.slice(-NOTICE_LOG_LINES);
    if (tail.length > 0) lines.push('   last log lines:', ...tail.map((l) => `   │ ${terminalText(l, 500)}`));
  } else if (end?.state === 'stopped') {
    lines.push(`   reason: ${stopReason(record, end)}`);
  }
  return lines;
}

/** Who stopped the pipeline, from the record, or the stored reason (a step that was stopped). */
function stopReason(record: PipelineRun, end: Extract<PipelineEnd, { state: 'stopped' }>): string {
  if (end.key === undefined && record.stop) return `stopped by ${userName(record.stop.by)}`;
  return terminalText(end.reason, 500);
}

function stepLineText(s: StepSummary): string {
  const parts = [tx`${s.emoji} ${s.step}`, s.label];
  if (s.runNumbers.length > 0) parts.push(s.runNumbers.map((n) => `#${n}`).join(' '));
  if (s.durationMs !== undefined) parts.push(formatDuration(s.durationMs));
  if (s.outputs.length > 0) {
    const best = s.bestRun === undefined ? '' : `best #${s.bestRun} `;
    const outputs = s.outputs.map(([k, v]) => `${k}=${truncate(v, 40)}`).join(' ');
    parts.push(best + terminalText(outputs, 200));
  }
  if (s.cause?.kind === 'pipeline-stopped')
    parts.push(`skipped: pipeline stopped by ${userName(s.cause.by)}`);
  else if (s.reason) parts.push(terminalText(s.reason, 300));
  return parts.join(' · ');
}

import { finalOutputs } from '../../core/pipeline/final-outputs.ts';
import { type PipelineRun, pipelineRunState } from '../../core/pipeline/pipeline-run.ts';
import { NOTICE_LOG_LINES, type Run } from '../../core/run/run.ts';
import { formatDuration, truncate } from '../format.ts';
import {
  PIPELINE_EMOJI,
  PIPELINE_LABEL,
  pipelineDuration,
  type StepSummary,
  summarizeSteps,
} from '../pipeline-steps.ts';
import { plainMentions } from './run-card-text.ts';

/** The pipeline card as terminal lines: the same facts as the Slack card, one line per step. */
export function renderPipelineCardText(
  record: PipelineRun,
  lookupRun: (id: string) => Run | undefined,
  now: Date,
): string[] {
  const state = pipelineRunState(record);
  const lines = [
    `${PIPELINE_EMOJI[state]} pipeline #${record.number} ${record.pipeline.name}  ${PIPELINE_LABEL[state]}`,
  ];
  const params = Object.entries(record.params).map(([k, v]) => `${k}=${String(v)}`);
  if (params.length > 0) lines.push(`   params: ${oneLine(params.join(' '), 300)}`);
  for (const s of summarizeSteps(record, lookupRun, now)) lines.push(`   ${stepLineText(s)}`);
  const time = `${record.end ? 'took' : 'elapsed'} ${formatDuration(pipelineDuration(record, now))}`;
  lines.push(`   ${time}  ·  by ${plainMentions(`<@${record.launchedBy}>`)}`);
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
  const who = plainMentions(`<@${record.launchedBy}>`);
  const took = formatDuration(pipelineDuration(record, now));
  const lines = [
    `${PIPELINE_EMOJI[state]} ${who} pipeline #${record.number} ${record.pipeline.name} ${PIPELINE_LABEL[state].toLowerCase()} after ${took}.`,
  ];
  for (const o of finalOutputs(record.pipeline, record.steps)) {
    const shown = Object.entries(o.outputs).map(([k, v]) => `${k}=${v}`);
    if (shown.length === 0) continue;
    const run = lookupRun(o.runId);
    lines.push(
      `   ${o.key}${run ? ` #${run.number}` : ''}${o.best ? ' (best)' : ''}: ${oneLine(shown.join(' '), 400)}`,
    );
  }
  const end = record.end;
  if (end?.state === 'failed') {
    lines.push(`   failed step: ${end.key}`, `   reason: ${oneLine(plainMentions(end.reason), 500)}`);
    const tail = logTail.slice(-NOTICE_LOG_LINES);
    if (tail.length > 0) lines.push('   last log lines:', ...tail.map((l) => `   │ ${oneLine(l, 500)}`));
  } else if (end?.state === 'stopped') {
    lines.push(`   reason: ${oneLine(plainMentions(end.reason), 500)}`);
  }
  return lines;
}

function stepLineText(s: StepSummary): string {
  const parts = [`${s.emoji} ${s.step}`, s.label];
  if (s.runNumbers.length > 0) parts.push(s.runNumbers.map((n) => `#${n}`).join(' '));
  if (s.durationMs !== undefined) parts.push(formatDuration(s.durationMs));
  if (s.outputs.length > 0) {
    const best = s.bestRun === undefined ? '' : `best #${s.bestRun} `;
    parts.push(best + oneLine(s.outputs.map(([k, v]) => `${k}=${truncate(v, 40)}`).join(' '), 200));
  }
  if (s.reason) parts.push(oneLine(plainMentions(s.reason), 300));
  return parts.join(' · ');
}

/** Job text on one terminal line: line breaks and other control characters become spaces. */
function oneLine(text: string, max: number): string {
  return truncate(text.replace(/[\u0000-\u001f\u007f]+/g, ' '), max);
}

import type { GroupCard } from '../../core/group-card.ts';
import { renderPipelineCardText, renderPipelineNoticeText } from './pipeline-text.ts';
import { renderSweepCardText, renderSweepNoticeText } from './sweep-text.ts';
import { tx } from './terminal.ts';

/** A group's card as terminal lines (the console's live area). */
export function renderGroupCardText(card: GroupCard, now: Date): string[] {
  return card.kind === 'sweep'
    ? renderSweepCardText(card.sweep, now)
    : renderPipelineCardText(card.pipeline, card.runOf, now);
}

/** A group's completion notice as terminal lines. */
export function renderGroupNoticeText(card: GroupCard, logTail: string[], now: Date): string[] {
  return card.kind === 'sweep'
    ? renderSweepNoticeText(card.sweep, now)
    : renderPipelineNoticeText(card.pipeline, card.runOf, logTail, now);
}

/** The line that says a group started, as `🚂 Launched run #n` does for a run. */
export function renderGroupStartedText(card: GroupCard): string {
  return card.kind === 'sweep'
    ? tx`🧪 Started sweep #${card.sweep.number} (${card.sweep.template}).`
    : tx`🧩 Started pipeline #${card.pipeline.number} (${card.pipeline.pipeline.name}).`;
}

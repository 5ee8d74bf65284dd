import type { GroupCard } from '../../core/group-card.ts';
import type { SlackMessage } from './block-kit.ts';
import { renderPipelineCard, renderPipelineNotice } from './pipeline-card.ts';
import { renderSweepCard } from './sweep-card.ts';
import { renderSweepNotice } from './sweep-notice.ts';

/** The Block Kit card of a group of runs (a sweep, a pipeline). */
export function renderGroupCard(card: GroupCard, now: Date): SlackMessage {
  return card.kind === 'sweep'
    ? renderSweepCard(card.sweep, now)
    : renderPipelineCard(card.pipeline, card.runOf, now);
}

/** The group's one completion notice. */
export function renderGroupNotice(card: GroupCard, logTail: string[], now: Date): SlackMessage {
  return card.kind === 'sweep'
    ? renderSweepNotice(card.sweep, now)
    : renderPipelineNotice(card.pipeline, card.runOf, logTail, now);
}

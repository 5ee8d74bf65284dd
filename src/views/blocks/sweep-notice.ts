import { ACTIONS } from '../../core/actions.ts';
import { rankTrials } from '../../core/sweep/rank-trials.ts';
import type { Sweep } from '../../core/sweep/sweep.ts';
import { escapeUserText } from '../../core/sweep/user-text.ts';
import { formatNumber, truncate } from '../format.ts';
import {
  paramsText,
  SWEEP_EMOJI,
  searchedParams,
  sweepDuration,
  trialName,
  trialTable,
} from '../sweep-format.ts';
import {
  actions,
  type Block,
  button,
  LIMITS,
  mention,
  message,
  type SlackMessage,
  section,
} from './block-kit.ts';
import { tableBlock } from './sweep-card.ts';

const ENDED_WORDS = { succeeded: 'finished', failed: 'failed', stopped: 'was stopped' } as const;

/**
 * The fan-in notice, posted once in the sweep card's thread (and to the channel): mentions the
 * launcher, says how the sweep ended, the best trial with its params and metric, the top five,
 * and a Rerun best button.
 */
export function renderSweepNotice(sweep: Sweep, now: Date): SlackMessage {
  const state =
    sweep.state === 'succeeded' || sweep.state === 'failed' || sweep.state === 'stopped'
      ? sweep.state
      : 'succeeded';
  const ranked = rankTrials(sweep);
  const best = ranked[0];
  const { metric } = sweep.definition;
  const took = sweepDuration(sweep, now);
  const count = `${sweep.trials.length} trial${sweep.trials.length === 1 ? '' : 's'}`;
  // One sentence for both: the block shows the (escaped) template bold, the notification plain.
  const sentence = (template: string) =>
    `${SWEEP_EMOJI[sweep.state]} ${mention(sweep.launchedBy)} sweep #${sweep.number} ${template} ${ENDED_WORDS[state]} after ${count} in ${took}.`;

  const blocks: Block[] = [section(sentence(`*${escapeUserText(sweep.template)}*`))];
  if (sweep.reason && state !== 'succeeded') blocks.push(section(`*Reason:* ${sweep.reason}`));
  if (best?.value !== undefined) {
    const params = paramsText(best.params, searchedParams(sweep));
    blocks.push(
      section(
        `*Best:* ${escapeUserText(trialName(best))} with ${escapeUserText(metric)} *${formatNumber(best.value)}*\n\`${escapeUserText(truncate(params, 2500))}\``,
      ),
    );
    const { rows } = trialTable(sweep, ranked, 5);
    const title = '*Top five*\n';
    blocks.push(section(title + tableBlock(rows, LIMITS.sectionText - title.length).text));
    blocks.push(
      actions(
        [button({ text: 'Rerun best', actionId: ACTIONS.sweepRerunBest, value: sweep.id, style: 'primary' })],
        `sweep-notice:${sweep.id}`,
      ),
    );
  } else {
    blocks.push(section('No trial succeeded, so there is no best trial to rerun.'));
  }
  const bestPart =
    best?.value !== undefined
      ? ` Best: ${trialName(best)} ${escapeUserText(metric)} ${formatNumber(best.value)}.`
      : '';
  return message(sentence(escapeUserText(sweep.template)) + bestPart, blocks);
}

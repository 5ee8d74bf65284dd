import { ACTIONS } from '../../core/actions.ts';
import { plural } from '../../core/plural.ts';
import { rankTrials } from '../../core/sweep/rank-trials.ts';
import type { Sweep } from '../../core/sweep/sweep.ts';
import { formatNumber } from '../format.ts';
import {
  paramsText,
  SWEEP_EMOJI,
  SWEEP_ENDED_WORDS,
  searchedParams,
  sweepDuration,
  trialName,
  trialTable,
} from '../sweep-format.ts';
import { actions, type Block, button, LIMITS, message, type SlackMessage, section } from './block-kit.ts';
import { bold, code, type Mrkdwn, md, mention, plain } from './mrkdwn.ts';
import { sweepReason, tableBlock } from './sweep-card.ts';

/**
 * The fan-in notice, posted once in the sweep card's thread (and to the channel): mentions the
 * launcher, says how the sweep ended, the best trial with its params and metric, the top five,
 * and a Rerun best button.
 */
export function renderSweepNotice(sweep: Sweep, now: Date): SlackMessage {
  const ranked = rankTrials(sweep);
  const best = ranked[0];
  const { metric } = sweep.definition;
  const took = sweepDuration(sweep, now);
  // One sentence for both: the block shows the template bold, the notification as typed.
  const sentence = (template: Mrkdwn) =>
    md`${SWEEP_EMOJI[sweep.state]} ${mention(sweep.launchedBy)} sweep #${sweep.number} ${template} ${SWEEP_ENDED_WORDS[sweep.state]} after ${plural(sweep.trials.length, 'trial')} in ${took}.`;

  const blocks: Block[] = [section(sentence(bold(plain(sweep.template, 200))))];
  const reason = sweepReason(sweep);
  if (reason) blocks.push(section(md`*Reason:* ${reason}`));
  if (best?.value !== undefined) {
    const params = paramsText(best.params, searchedParams(sweep));
    blocks.push(
      section(
        md`*Best:* ${trialName(best)} with ${plain(metric, 100)} *${formatNumber(best.value)}*\n${code(params, 2500)}`,
      ),
    );
    const title = md`*Top five*\n`;
    const { rows } = trialTable(sweep, ranked, 5);
    blocks.push(section(md`${title}${tableBlock(rows, LIMITS.sectionText - title.mrkdwn.length).text}`));
    blocks.push(
      actions(
        [button({ text: 'Rerun best', actionId: ACTIONS.sweepRerunBest, value: sweep.id, style: 'primary' })],
        `sweep-notice:${sweep.id}`,
      ),
    );
  } else {
    blocks.push(section(md`No trial succeeded, so there is no best trial to rerun.`));
  }
  const bestPart =
    best?.value !== undefined
      ? md` Best: ${trialName(best)} ${plain(metric, 100)} ${formatNumber(best.value)}.`
      : md``;
  return message(md`${sentence(plain(sweep.template, 200))}${bestPart}`, blocks);
}

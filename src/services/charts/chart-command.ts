import { extractSeries, MIN_CHART_POINTS } from '../../core/chart/series.ts';
import type { Command } from '../../core/command/command.ts';
import { plural } from '../../core/plural.ts';
import type { Run } from '../../core/run/run.ts';
import type { ChatPort, CommandOutcome } from '../../ports/chat.ts';
import type { Store } from '../../ports/store.ts';
import { answer, type CommandModule, refuse } from '../commands/command-module.ts';
import { findRun } from '../commands/find-run.ts';
import { Charts } from './Charts.ts';

export interface ChartCommandDeps {
  store: Pick<Store, 'loadRun' | 'loadRunByNumber'>;
  charts: Pick<Charts, 'drawRun'>;
  chat: Pick<ChatPort, 'uploadImage'>;
}

/**
 * `/train chart <run>`: the run's chart, drawn now (a running run's so far). Slack cannot show a
 * picture to one person only, so it goes in the thread of the run's card, where the asker is told
 * to look; the console saves it and prints its path and a sparkline per metric.
 */
export class ChartCommand implements CommandModule<'chart'> {
  readonly verbs = ['chart'] as const;

  constructor(private readonly deps: ChartCommandDeps) {}

  async handle(command: Extract<Command, { verb: 'chart' }>): Promise<CommandOutcome> {
    const found = await findRun(this.deps.store, command.run);
    if (!found.ok) return refuse(found.error);
    const { run } = found;
    if (!Charts.chartable(run)) return refuse(tooFewPoints(run));
    const drawn = await this.deps.charts.drawRun(run);
    if (!drawn.ok) return refuse(`The chart of run #${run.number} could not be drawn: ${drawn.reason}.`);
    const posted = await this.deps.chat.uploadImage(Charts.placeOf(run), drawn.image);
    if (!posted) {
      return refuse(`The chart of run #${run.number} could not be posted; the reason is in the bot log.`);
    }
    return answer({ kind: 'chart', run });
  }
}

/** Why a run has no chart yet: how many points its metrics have, against the 3 a chart needs. */
function tooFewPoints(run: Run): string {
  const most = Math.max(0, ...extractSeries(run.history).series.map((s) => s.points.length));
  const has = most === 0 ? 'has reported no metrics' : `has at most ${plural(most, 'point')} per metric`;
  return `Run #${run.number} ${has} so far; a chart needs at least ${MIN_CHART_POINTS} points of one metric (lines like loss=0.3 in its log).`;
}

import type { ChartSpec } from '../../core/chart/chart-spec.ts';
import { runChartSpec } from '../../core/chart/run-chart.ts';
import { runObjective } from '../../core/chart/run-objective.ts';
import { extractSeries, hasChartablePoints } from '../../core/chart/series.ts';
import { sweepChartSpec } from '../../core/chart/sweep-chart.ts';
import { formatNumber } from '../../core/format-number.ts';
import type { GroupCard } from '../../core/group-card.ts';
import type { MessageRef, Run } from '../../core/run/run.ts';
import { bestTrial } from '../../core/sweep/rank-trials.ts';
import type { Sweep } from '../../core/sweep/sweep.ts';
import type { ChartRenderer } from '../../ports/chart-renderer.ts';
import type { ChatPort, ImageFile, ImagePlace } from '../../ports/chat.ts';
import { concurrencyLimit } from '../../shared/concurrency-limit.ts';
import type { Logger } from '../../shared/log.ts';
import { within } from '../../shared/within.ts';
import { chartAltText } from '../../views/metric-lines.ts';

export interface ChartsDeps {
  renderer: ChartRenderer;
  chat: Pick<ChatPort, 'uploadImage' | 'imageSkipped'>;
  log: Logger;
}

/** What a picture is called and says, apart from its pixels. */
export type ImageAbout = Omit<ImageFile, 'png'>;

/** A drawn chart ready to post, or why there is none (one plain sentence). */
export type DrawnChart = { ok: true; image: ImageFile } | { ok: false; title: string; reason: string };

/**
 * Charts asked for at once: the renderer draws one at a time and skips charts beyond its queue, so
 * a restart that owes hundreds of notices lets its charts wait here rather than be skipped there.
 */
const CHARTS_AT_ONCE = 4;

/**
 * Charts of runs and groups: drawn by the ChartRenderer (off the event loop) and posted by the
 * chat. A chart is optional and always comes after what it illustrates: the completion notice is
 * sent first, and a chart that cannot be drawn in time is left out with a log line (the console
 * says why in one line). Nothing here throws.
 */
export class Charts {
  private readonly drawing = concurrencyLimit(CHARTS_AT_ONCE);
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: ChartsDeps) {}

  /** Whether a run has reported enough metric points (3 of one metric) for a chart. */
  static chartable(run: Pick<Run, 'history'>): boolean {
    return hasChartablePoints(extractSeries(run.history));
  }

  /** Where a run's (or a group's) pictures go: the thread of its card, or its channel before it has one. */
  static placeOf(run: Pick<Run, 'card' | 'channel'>): ImagePlace {
    return run.card ? { channel: run.card.channel, thread: run.card.ts } : { channel: run.channel };
  }

  /**
   * After a run's completion notice: its chart, when it has enough points, posted in its card's
   * thread in the background. `run` is the run as it ended, with its whole history (the store
   * keeps a coarser one for finished runs).
   */
  afterNotice(run: Run): void {
    if (run.quiet || !Charts.chartable(run)) return;
    this.track(this.drawAndPost(Charts.placeOf(run), () => this.drawRun(run)));
  }

  /**
   * After a group's fan-in notice, with the arguments ChatPort.postGroupNotice had (so the group's
   * service adds it in one line): a sweep's chart of its metric per trial, the best marked, posted
   * in the background where the notice went. A sweep whose trials reported no value has none;
   * pipelines have none yet.
   */
  afterGroupNotice(ref: MessageRef | undefined, channel: string, card: GroupCard): void {
    if (card.kind !== 'sweep' || !card.sweep.trials.some((t) => t.value !== undefined)) return;
    this.postChart(Charts.placeOf({ card: ref, channel }), sweepSpec(card.sweep), sweepAbout(card.sweep));
  }

  /** Draws `spec` and posts it at `where`, in the background (a chart of anything). */
  postChart(where: ImagePlace, spec: ChartSpec, about: ImageAbout): void {
    this.track(this.drawAndPost(where, () => this.draw(spec, about)));
  }

  /** Draws a run's chart now (`/train chart`); the caller posts it. */
  drawRun(run: Run): Promise<DrawnChart> {
    const spec = runChartSpec(
      { number: run.number, spec: run.spec, history: run.history, progress: run.progress },
      runObjective(run),
    );
    return this.draw(spec, {
      filename: `${run.id}.png`,
      title: `Chart of run #${run.number} (${run.spec.template})`,
      altText: chartAltText(run),
    });
  }

  /** Resolves once the charts under way were posted or skipped, or after `withinMs` (console -e waits for its run's chart). */
  async idle(withinMs = 90_000): Promise<void> {
    await within(withinMs, Promise.allSettled([...this.inFlight]));
  }

  private async draw(spec: ChartSpec, about: ImageAbout): Promise<DrawnChart> {
    const result = await this.drawing.run(() => this.deps.renderer.render(spec));
    return result.ok
      ? { ok: true, image: { ...about, png: result.png } }
      : { ok: false, title: about.title, reason: result.reason };
  }

  private async drawAndPost(where: ImagePlace, draw: () => Promise<DrawnChart>): Promise<void> {
    const drawn = await draw();
    if (!drawn.ok) {
      this.deps.chat.imageSkipped(where, drawn.title, drawn.reason);
      return;
    }
    const posted = await this.deps.chat.uploadImage(where, drawn.image);
    if (!posted)
      this.deps.log.info('chart not posted', { channel: where.channel, file: drawn.image.filename });
  }

  private track(work: Promise<void>): void {
    const tracked = work
      .catch((err: unknown) => this.deps.log.error('posting a chart failed', { err }))
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }
}

function sweepSpec(sweep: Sweep): ChartSpec {
  const { metric, goal } = sweep.definition;
  return sweepChartSpec({
    number: sweep.number,
    template: sweep.template,
    objective: { metric, goal },
    trials: sweep.trials.map((t) => ({ trial: t.index, value: t.value })),
    best: bestTrial(sweep)?.index,
  });
}

/** Title and screen-reader text of a sweep's chart: `val_loss of 12 trials of sweep #57 resnet; best: trial 7, 0.21.` */
function sweepAbout(sweep: Sweep): ImageAbout {
  const { metric, goal } = sweep.definition;
  const valued = sweep.trials.filter((t) => t.value !== undefined && Number.isFinite(t.value));
  const best = bestTrial(sweep);
  const bestText =
    best?.value !== undefined ? `; best: trial ${best.index}, ${formatNumber(best.value)}` : '';
  return {
    filename: `${sweep.id}.png`,
    title: `Chart of sweep #${sweep.number} (${sweep.template}): ${metric} per trial`,
    altText:
      `${metric} of ${valued.length} trials of sweep #${sweep.number} ${sweep.template}, ${goal === 'min' ? 'lower' : 'higher'} is better${bestText}.`.slice(
        0,
        1000,
      ),
  };
}

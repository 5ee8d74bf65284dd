import type { Params } from '../run/run.ts';
import { gridPoint } from './grid.ts';
import { trialRandom } from './random.ts';
import { sampleRandomParams } from './random-sampler.ts';
import type { SweepDefinition, SweepTrial } from './sweep.ts';
import { type FinishedTrial, suggestTpe } from './tpe/tpe-sampler.ts';

/**
 * How many trials TPE samples at random before it starts to learn: Optuna's 10, or a third of
 * a small sweep so that one of 12 trials still learns from something.
 */
export function tpeStartupTrials(trials: number): number {
  return Math.min(10, Math.ceil(trials / 3));
}

/**
 * The params of trial `index` (1-based): the fixed params plus a value for each space. Pure and
 * deterministic in (definition, index, finished trials): grid takes point index−1; random draws
 * from the trial's own seeded stream; TPE draws at random until enough trials have finished
 * (Optuna counts finished trials, not started ones), then learns from them.
 */
export function suggestTrialParams(
  definition: SweepDefinition,
  index: number,
  finished: readonly FinishedTrial[],
): Params {
  const { spaces, algo, seed } = definition;
  let searched: Params;
  if (algo === 'grid') {
    searched = gridPoint(spaces, index - 1);
  } else {
    const random = trialRandom(seed, index);
    searched =
      algo === 'random' || finished.length < tpeStartupTrials(definition.trials)
        ? sampleRandomParams(spaces, random)
        : suggestTpe(spaces, finished, definition.goal, random);
  }
  return { ...definition.fixed, ...searched };
}

/**
 * The trials TPE may learn from, in index order: succeeded ones with a value, and stopped ones
 * (early or by hand) with their last value and the step they reached. Failed and lost trials
 * say nothing about the metric and are left out, as Optuna leaves out failed trials.
 */
export function finishedTrials(trials: readonly SweepTrial[]): FinishedTrial[] {
  const out: FinishedTrial[] = [];
  for (const t of trials) {
    if (t.value === undefined) continue;
    if (t.state === 'succeeded') out.push({ index: t.index, params: t.params, value: t.value });
    else if (t.state === 'stopped') {
      out.push({ index: t.index, params: t.params, value: t.value, stoppedAtStep: t.step ?? 0 });
    }
  }
  return out;
}

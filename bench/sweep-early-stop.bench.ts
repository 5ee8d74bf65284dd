// Early stopping savings: a scripted sweep of 24 trials × 27 epochs whose learning curves are
// known in advance (half of the trials poor), replayed through decideSweep with --parallel 4:
// each tick the controller decides, new trials start, stopped ones end, and every running trial
// runs one more epoch. Counts the epochs run with --early-stop none, median and asha, and whether
// the best trial (by its value at the last epoch) still finishes and is reported best; if not,
// how far the reported best is below it. Two families of curves, 20 sets each: all trials learn
// at the same pace (quality decides), and paces that differ 3× (slow starters that end best
// exist, and curves cross). Target: ≤ 60 % of the epochs of none, and the best trial kept.
import { decideSweep } from '../src/core/sweep/decide-sweep.ts';
import type { TrialRun } from '../src/core/sweep/observe-run.ts';
import { trialRandom } from '../src/core/sweep/random.ts';
import { createSweep, type EarlyStopRule, type Sweep } from '../src/core/sweep/sweep.ts';
import { benchTemplate, intParam, machineLine, median, plan } from './sweep-support.ts';

const TRIALS = 24;
const EPOCHS = 27;
const PARALLEL = 4;
const CURVE_SETS = 20;

/** Accuracy at each epoch 1…27 of each trial: a saturating curve towards its quality, plus noise. */
function learningCurves(seed: number, crossing: boolean): number[][] {
  const random = trialRandom(seed, 0);
  // Half good (final accuracy 0.85–0.95), half poor (0.50–0.70), in a shuffled order.
  const good = Array.from({ length: TRIALS }, (_, i) => i < TRIALS / 2);
  for (let i = good.length - 1; i > 0; i--) {
    const j = random.below(i + 1);
    [good[i], good[j]] = [good[j], good[i]];
  }
  return good.map((isGood) => {
    const quality = isGood ? 0.85 + 0.1 * random.next() : 0.5 + 0.2 * random.next();
    const tau = crossing ? 2 + 4 * random.next() : 4;
    return Array.from({ length: EPOCHS }, (_, e) => {
      const noise = 0.005 * (random.next() + random.next() + random.next() - 1.5);
      return 0.1 + (quality - 0.1) * (1 - Math.exp(-(e + 1) / tau)) + noise;
    });
  });
}

interface Replay {
  epochs: number;
  best?: number;
  stoppedEarly: number;
  sweep: Sweep;
}

function replay(curves: number[][], earlyStop: EarlyStopRule): Replay {
  const template = benchTemplate([intParam('curve')]);
  const definition = plan(
    template,
    { curve: `range(1,${TRIALS},1)` },
    {
      parallel: String(PARALLEL),
      metric: 'acc',
      goal: 'max',
      'early-stop': earlyStop,
    },
  );
  let sweep: Sweep = createSweep({
    id: 's-bench00000',
    number: 1,
    template: 'bench',
    definition,
    launchedBy: 'U1',
    channel: 'C1',
    createdAt: new Date(0).toISOString(),
  });
  const runs = new Map<number, TrialRun>();
  const curveOf = new Map<number, number[]>();
  let epochs = 0;
  for (let tick = 0; tick < 10_000; tick++) {
    const now = new Date(tick * 1000);
    const decision = decideSweep(sweep, runs, now);
    sweep = decision.sweep;
    for (const trial of decision.launch) {
      runs.set(trial.index, {
        id: `r-${trial.index}`,
        number: trial.index,
        state: 'running',
        series: [],
        unit: 'epoch',
      });
      curveOf.set(trial.index, curves[(trial.params.curve as number) - 1]);
    }
    for (const stop of decision.stop) {
      const run = runs.get(stop.index);
      if (run) Object.assign(run, { state: 'stopped', reason: stop.reason });
    }
    if (decision.finished) {
      return {
        epochs,
        best: decision.best?.index,
        stoppedEarly: sweep.trials.filter((t) => t.stoppedEarly).length,
        sweep,
      };
    }
    for (const [index, run] of runs) {
      if (run.state !== 'running') continue;
      const epoch = run.series.length + 1;
      const value = (curveOf.get(index) as number[])[epoch - 1];
      run.series.push({ step: epoch, value });
      run.value = value;
      run.step = epoch;
      epochs++;
      if (epoch === EPOCHS) run.state = 'succeeded';
    }
  }
  throw new Error('the sweep did not finish');
}

console.log(`machine: ${machineLine()}`);
console.log(
  `${TRIALS} trials × ${EPOCHS} epochs, half poor, --parallel ${PARALLEL}; ${CURVE_SETS} sets of curves per family`,
);
for (const crossing of [false, true]) {
  console.log(
    crossing
      ? 'paces differ (time constant 2–6 epochs; curves cross):'
      : 'same pace (time constant 4 epochs):',
  );
  const ratios: Record<'median' | 'asha', number[]> = { median: [], asha: [] };
  const kept: Record<'median' | 'asha', number> = { median: 0, asha: 0 };
  const regrets: Record<'median' | 'asha', number[]> = { median: [], asha: [] };
  for (let set = 1; set <= CURVE_SETS; set++) {
    const curves = learningCurves(set, crossing);
    const none = replay(curves, 'none');
    const final = (index: number | undefined) => (index === undefined ? 0 : curves[index - 1][EPOCHS - 1]);
    const line = [`set ${String(set).padStart(2)}: none ${none.epochs} epochs (best trial ${none.best})`];
    for (const rule of ['median', 'asha'] as const) {
      const r = replay(curves, rule);
      const ratio = r.epochs / none.epochs;
      ratios[rule].push(ratio);
      if (r.best === none.best) kept[rule]++;
      else regrets[rule].push((final(none.best) - final(r.best)) / final(none.best));
      line.push(
        `${rule} ${r.epochs} (${(100 * ratio).toFixed(0)} %, ${r.stoppedEarly} stopped, best ${r.best === none.best ? 'kept' : `lost: got ${r.best}`})`,
      );
    }
    if (process.env.BENCH_VERBOSE) console.log(`  ${line.join('  ·  ')}`);
  }
  for (const rule of ['median', 'asha'] as const) {
    const worst = Math.max(...ratios[rule]);
    const regret = regrets[rule].length
      ? `; when lost, the reported best was ${(100 * median(regrets[rule])).toFixed(1)} % below it (median, worst ${(100 * Math.max(...regrets[rule])).toFixed(1)} %)`
      : '';
    console.log(
      `  ${rule.padEnd(6)} epochs vs none: median ${(100 * median(ratios[rule])).toFixed(0)} % (worst ${(100 * worst).toFixed(0)} %); best trial kept in ${kept[rule]}/${CURVE_SETS}${regret}`,
    );
  }
}

// Search quality: how many trials TPE and random search need to get within 5 % of the optimum of
// two synthetic objectives (pure functions), median over 20 seeds. Each sweep is planned through
// planSweep and suggested through suggestTrialParams, one trial at a time (each trial learns
// from all the finished ones), up to 1,000 trials for TPE (a sweep's limit) and 20,000 for random
// search (cheap, and it needs them on Branin). Target: TPE needs fewer trials than random.

import type { Params } from '../src/core/run/run.ts';
import { suggestTrialParams } from '../src/core/sweep/suggest-trial.ts';
import type { SweepDefinition } from '../src/core/sweep/sweep.ts';
import type { FinishedTrial } from '../src/core/sweep/tpe/tpe-sampler.ts';
import { benchTemplate, floatParam, intParam, machineLine, median, plan } from './sweep-support.ts';

const SEEDS = 20;
const MAX_TRIALS = { tpe: 1000, random: 20_000 } as const;
const WITHIN = 0.05;

interface Objective {
  name: string;
  template: ReturnType<typeof benchTemplate>;
  spaces: Record<string, string>;
  optimum: number;
  /** The value a trial reports (noisy for the quadratic), and its true value. */
  evaluate(params: Params, trial: number, seed: number): { observed: number; truth: number };
}

// Branin-Hoo on [-5, 10] × [0, 15]; three global minima of 0.397887.
const branin: Objective = {
  name: 'Branin (2 params)',
  template: benchTemplate([floatParam('x1'), floatParam('x2')]),
  spaces: { x1: 'uniform(-5,10)', x2: 'uniform(0,15)' },
  optimum: 0.397887,
  evaluate(p) {
    const [x1, x2] = [p.x1 as number, p.x2 as number];
    const b = 5.1 / (4 * Math.PI ** 2);
    const c = 5 / Math.PI;
    const f = (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
    return { observed: f, truth: f };
  },
};

// 1 + a quadratic bowl over two uniform params, a learning rate on a log scale and a whole
// number, each term scaled to its range; observed with Gaussian noise of sd 0.02.
const quadratic: Objective = {
  name: 'noisy quadratic (4 params)',
  template: benchTemplate([floatParam('x'), floatParam('y'), floatParam('lr'), intParam('width')]),
  spaces: { x: 'uniform(-5,5)', y: 'uniform(0,10)', lr: 'loguniform(1e-5,1)', width: 'randint(1,64)' },
  optimum: 1,
  evaluate(p, trial, seed) {
    const truth =
      1 +
      (((p.x as number) - 1.3) / 10) ** 2 +
      (((p.y as number) - 7.1) / 10) ** 2 +
      ((Math.log10(p.lr as number) + 3) / 5) ** 2 +
      (((p.width as number) - 40) / 64) ** 2;
    return { observed: truth + 0.02 * gaussian(seed * 100_003 + trial), truth };
  },
};

/** A standard normal draw from an integer (Box–Muller over two hashed uniforms): reproducible noise. */
function gaussian(n: number): number {
  const u = (k: number) => {
    let h = Math.imul(n ^ 0x9e3779b9, 0x85ebca6b) ^ k;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return ((h ^ (h >>> 16)) >>> 0) / 4294967296 + 1e-12;
  };
  return Math.sqrt(-2 * Math.log(u(1))) * Math.cos(2 * Math.PI * u(2));
}

/** Trials until one is within 5 % of the optimum (its true value), or undefined within the budget. */
function trialsToReach(
  objective: Objective,
  definition: SweepDefinition,
  seed: number,
  budget: number,
): number | undefined {
  const finished: FinishedTrial[] = [];
  const target = objective.optimum * (1 + WITHIN);
  for (let index = 1; index <= budget; index++) {
    const params = suggestTrialParams(definition, index, finished);
    const { observed, truth } = objective.evaluate(params, index, seed);
    if (truth <= target) return index;
    finished.push({ index, params, value: observed });
  }
  return undefined;
}

console.log(`machine: ${machineLine()}`);
console.log(
  `${SEEDS} seeds per objective and algorithm, up to ${MAX_TRIALS.tpe} (TPE) / ${MAX_TRIALS.random} (random) trials; "within 5 %": true value ≤ optimum × 1.05`,
);
for (const objective of [branin, quadratic]) {
  const results: Record<string, (number | undefined)[]> = {};
  for (const algo of ['tpe', 'random'] as const) {
    results[algo] = [];
    const started = performance.now();
    for (let seed = 1; seed <= SEEDS; seed++) {
      const definition = plan(objective.template, objective.spaces, {
        algo,
        trials: '1000',
        metric: 'f',
        goal: 'min',
        seed: String(seed),
      });
      results[algo].push(trialsToReach(objective, definition, seed, MAX_TRIALS[algo]));
    }
    const reached = results[algo].map((n) => n ?? Number.POSITIVE_INFINITY);
    const med = median(reached);
    const missed = results[algo].filter((n) => n === undefined).length;
    console.log(
      `${objective.name.padEnd(28)} ${algo.padEnd(6)} median ${Number.isFinite(med) ? med : `> ${MAX_TRIALS[algo]}`} trials` +
        `  (p25 ${quantile(reached, 0.25)}, p75 ${quantile(reached, 0.75)}; not reached in ${MAX_TRIALS[algo]}: ${missed}/${SEEDS}; ${((performance.now() - started) / 1000).toFixed(1)} s)`,
    );
  }
  const ratio =
    median(results.tpe.map((n) => n ?? Number.POSITIVE_INFINITY)) /
    median(results.random.map((n) => n ?? Number.POSITIVE_INFINITY));
  console.log(
    `${objective.name.padEnd(28)} TPE / random median trials: ${Number.isFinite(ratio) ? ratio.toFixed(2) : 'n/a'}`,
  );
}
console.log(`load average at the end: ${machineLine().split('load average ')[1]}`);

function quantile(xs: number[], q: number): string {
  const s = [...xs].sort((a, b) => a - b);
  const v = s[Math.floor(q * (s.length - 1))];
  return Number.isFinite(v) ? String(v) : 'not reached';
}

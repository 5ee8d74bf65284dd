import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { ParamValue } from '../../../src/core/run/run.ts';
import { gridPoint, gridSize } from '../../../src/core/sweep/grid.ts';
import { trialRandom } from '../../../src/core/sweep/random.ts';
import { sampleRandomParams } from '../../../src/core/sweep/random-sampler.ts';
import { type ParamSpace, type SearchSpace, spaceContains } from '../../../src/core/sweep/space.ts';
import { suggestTrialParams, tpeStartupTrials } from '../../../src/core/sweep/suggest-trial.ts';
import type { SweepDefinition, SweepGoal } from '../../../src/core/sweep/sweep.ts';
import {
  type FinishedTrial,
  suggestTpe,
  tpeGamma,
  tpeWeights,
} from '../../../src/core/sweep/tpe/tpe-sampler.ts';

// Spaces as planSweep would store them (already checked), over small and awkward ranges.
const listSpace = fc
  .uniqueArray(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom('a', 'b', 'c', 'd'), fc.boolean()), {
    minLength: 1,
    maxLength: 5,
  })
  .map((values): SearchSpace => ({ kind: 'list', values }));
const rangeSpace = fc
  .record({
    start: fc.integer({ min: -20, max: 20 }),
    count: fc.integer({ min: 1, max: 6 }),
    step: fc.integer({ min: 1, max: 5 }),
  })
  .map(
    ({ start, count, step }): SearchSpace => ({
      kind: 'range',
      start: start / 10,
      step: step / 10,
      stop: (start + (count - 1) * step) / 10,
      count,
      decimals: 1,
    }),
  );
const bounds = fc
  .tuple(fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.double({ min: 1e-6, max: 1e3, noNaN: true }))
  .map(([lo, width]) => [lo, lo + width] as const)
  .filter(([lo, hi]) => lo < hi);
const uniformSpace = bounds.map(([lo, hi]): SearchSpace => ({ kind: 'uniform', lo, hi }));
const logSpace = fc
  .tuple(fc.double({ min: 1e-8, max: 10, noNaN: true }), fc.double({ min: 1.001, max: 1e6, noNaN: true }))
  .map(([lo, factor]): SearchSpace => ({ kind: 'loguniform', lo, hi: lo * factor }));
const randintSpace = fc
  .tuple(fc.integer({ min: -100, max: 100 }), fc.integer({ min: 0, max: 50 }))
  .map(([lo, width]): SearchSpace => ({ kind: 'randint', lo, hi: lo + width }));
const anySpace = fc.oneof(listSpace, rangeSpace, uniformSpace, logSpace, randintSpace);

const spacesOf = (space: fc.Arbitrary<SearchSpace>, max = 4) =>
  fc
    .array(space, { minLength: 1, maxLength: max })
    .map((list) => list.map((s, i): ParamSpace => ({ param: `p${i}`, space: s })));

/** Finished trials with params drawn from the spaces and arbitrary values, some stopped early. */
function finishedFor(spaces: ParamSpace[], values: number[], stoppedEvery: number): FinishedTrial[] {
  return values.map((value, i) => {
    const trial: FinishedTrial = {
      index: i + 1,
      params: sampleRandomParams(spaces, trialRandom(99, i)),
      value,
    };
    if (stoppedEvery > 0 && i % stoppedEvery === 0) trial.stoppedAtStep = (i % 5) + 1;
    return trial;
  });
}

function assertInSpaces(spaces: ParamSpace[], params: Record<string, ParamValue>): void {
  for (const { param, space } of spaces) {
    assert.ok(
      spaceContains(space, params[param]),
      `${param}=${params[param]} is not in ${JSON.stringify(space)}`,
    );
  }
}

describe('samplers', () => {
  it('grid: visits every combination exactly once, in order, the last param fastest', () => {
    fc.assert(
      fc.property(spacesOf(fc.oneof(listSpace, rangeSpace), 3), (spaces) => {
        const size = gridSize(spaces);
        const seen = new Set<string>();
        for (let i = 0; i < size; i++) {
          const point = gridPoint(spaces, i);
          assertInSpaces(spaces, point);
          seen.add(JSON.stringify(spaces.map(({ param }) => point[param])));
        }
        const expected = spaces.reduce(
          (n, { space }) =>
            n * (space.kind === 'list' ? space.values.length : (space as { count: number }).count),
          1,
        );
        assert.equal(size, expected);
        assert.equal(seen.size, size, 'a combination came twice');
      }),
      { numRuns: 300 },
    );
    const spaces: ParamSpace[] = [
      { param: 'a', space: { kind: 'list', values: [1, 2] } },
      { param: 'b', space: { kind: 'list', values: ['x', 'y', 'z'] } },
    ];
    assert.deepEqual(
      Array.from({ length: 6 }, (_, i) => gridPoint(spaces, i)),
      [
        { a: 1, b: 'x' },
        { a: 1, b: 'y' },
        { a: 1, b: 'z' },
        { a: 2, b: 'x' },
        { a: 2, b: 'y' },
        { a: 2, b: 'z' },
      ],
    );
  });

  it('random: never draws outside a space, and draws the same for the same seed and trial', () => {
    fc.assert(
      fc.property(spacesOf(anySpace), fc.nat(), fc.integer({ min: 1, max: 1000 }), (spaces, seed, index) => {
        const params = sampleRandomParams(spaces, trialRandom(seed, index));
        assertInSpaces(spaces, params);
        assert.deepEqual(sampleRandomParams(spaces, trialRandom(seed, index)), params);
      }),
      { numRuns: 500 },
    );
  });

  it('random streams: floats in [0, 1), different per trial and per seed', () => {
    const first = (seed: number, index: number) => trialRandom(seed, index).next();
    const draws = new Set<number>();
    for (let index = 1; index <= 200; index++) draws.add(first(7, index));
    for (let seed = 0; seed < 200; seed++) draws.add(first(seed, 1));
    assert.ok(draws.size >= 399, 'streams of neighbouring trials or seeds coincide');
    const random = trialRandom(1, 1);
    for (let i = 0; i < 10_000; i++) {
      const x = random.next();
      assert.ok(x >= 0 && x < 1);
    }
  });

  it('TPE: never suggests outside a space, whatever the finished trials, and is deterministic', () => {
    fc.assert(
      fc.property(
        spacesOf(anySpace),
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 40 }),
        fc.integer({ min: 0, max: 4 }),
        fc.constantFrom<SweepGoal>('min', 'max'),
        fc.nat(),
        (spaces, values, stoppedEvery, goal, seed) => {
          const finished = finishedFor(spaces, values, stoppedEvery);
          const params = suggestTpe(spaces, finished, goal, trialRandom(seed, finished.length + 1));
          assertInSpaces(spaces, params);
          assert.deepEqual(
            suggestTpe(spaces, finished, goal, trialRandom(seed, finished.length + 1)),
            params,
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('TPE: learns — on a 1-D valley its suggestions land nearer the bottom than random draws', () => {
    const spaces: ParamSpace[] = [{ param: 'x', space: { kind: 'uniform', lo: -10, hi: 10 } }];
    const f = (x: number) => (x - 3) ** 2;
    const finished: FinishedTrial[] = [];
    for (let i = 1; i <= 30; i++) {
      const x = sampleRandomParams(spaces, trialRandom(5, i)).x as number;
      finished.push({ index: i, params: { x }, value: f(x) });
    }
    const distance = (draw: (i: number) => number) => {
      const d = Array.from({ length: 40 }, (_, i) => Math.abs(draw(100 + i) - 3)).sort((a, b) => a - b);
      return d[20];
    };
    const tpe = distance((i) => suggestTpe(spaces, finished, 'min', trialRandom(5, i)).x as number);
    const random = distance((i) => sampleRandomParams(spaces, trialRandom(5, i)).x as number);
    assert.ok(tpe < random / 3, `median distance: TPE ${tpe}, random ${random}`);
  });

  it('TPE: follows Optuna’s gamma and weights', () => {
    assert.deepEqual([0, 1, 10, 11, 100, 250, 1000].map(tpeGamma), [0, 1, 1, 2, 10, 25, 25]);
    assert.deepEqual(tpeWeights(3), [1, 1, 1]);
    const w = tpeWeights(30);
    assert.equal(w.length, 30);
    assert.ok(Math.abs(w[0] - 1 / 30) < 1e-12);
    assert.ok(Math.abs(w[4] - 1) < 1e-12, 'the ramp ends at 1');
    assert.deepEqual(w.slice(5), new Array(25).fill(1));
  });

  it('suggestTrialParams: grid point index−1, random start-up for TPE, fixed params included', () => {
    const definition: SweepDefinition = {
      spaces: [{ param: 'lr', space: { kind: 'list', values: [0.1, 0.2, 0.3] } }],
      fixed: { epochs: 5 },
      algo: 'grid',
      trials: 3,
      parallel: 1,
      metric: 'acc',
      goal: 'max',
      earlyStop: 'none',
      seed: 1,
      launchOptions: {},
    };
    assert.deepEqual(suggestTrialParams(definition, 1, []), { epochs: 5, lr: 0.1 });
    assert.deepEqual(suggestTrialParams(definition, 3, []), { epochs: 5, lr: 0.3 });
    assert.equal(tpeStartupTrials(20), 7);
    assert.equal(tpeStartupTrials(100), 10);
    const tpe: SweepDefinition = {
      ...definition,
      algo: 'tpe',
      trials: 30,
      spaces: [{ param: 'lr', space: { kind: 'uniform', lo: 0, hi: 1 } }],
    };
    const few = finishedFor(tpe.spaces, [1, 2, 3], 0);
    // Before 10 trials have finished, a TPE trial is the random trial of the same seed and index.
    assert.deepEqual(suggestTrialParams(tpe, 4, few), suggestTrialParams({ ...tpe, algo: 'random' }, 4, few));
    const many = finishedFor(
      tpe.spaces,
      Array.from({ length: 12 }, (_, i) => i),
      0,
    );
    assert.notDeepEqual(
      suggestTrialParams(tpe, 13, many),
      suggestTrialParams({ ...tpe, algo: 'random' }, 13, many),
    );
    assert.deepEqual(suggestTrialParams(tpe, 13, many), suggestTrialParams(tpe, 13, many));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RawOptions, RawParams } from '../../../src/core/command/command.ts';
import { type PlanSweepContext, planSweep } from '../../../src/core/sweep/plan-sweep.ts';
import type { SweepDefinition } from '../../../src/core/sweep/sweep.ts';
import { seedFromSweepId } from '../../../src/core/sweep/sweep-seed.ts';
import { makeTemplate } from './fixtures.ts';

const template = makeTemplate();

function plan(params: RawParams, options: RawOptions = {}, context?: PlanSweepContext): SweepDefinition {
  const result = planSweep(template, params, options, context);
  assert.ok(result.ok, result.ok ? '' : result.error);
  return result.definition;
}

/** The refusal for this command; every one is a single sentence (a did-you-mean may follow). */
function refusal(params: RawParams, options: RawOptions = {}, t = template): string {
  const result = planSweep(t, params, options);
  assert.equal(result.ok, false, `expected a refusal for ${JSON.stringify({ params, options })}`);
  if (result.ok) return '';
  assert.doesNotMatch(result.error, /[\r\n]/);
  assert.match(result.error, /[.?]$/);
  return result.error;
}

describe('planSweep', () => {
  it('plans a grid over lists and ranges, with the fixed params typed and defaults filled in', () => {
    const d = plan({ lr: '[0.01,0.1,1]', epochs: 'range(2,4,2)', optimizer: 'adam' });
    assert.deepEqual(d.spaces, [
      { param: 'lr', space: { kind: 'list', values: [0.01, 0.1, 1] } },
      { param: 'epochs', space: { kind: 'range', start: 2, stop: 4, step: 2, count: 2, decimals: 0 } },
    ]);
    assert.deepEqual(d.fixed, { dropout: 0.1, batch: 32, optimizer: 'adam', augment: false, note: 'x' });
    assert.equal(d.algo, 'grid');
    assert.equal(d.trials, 6);
    assert.equal(d.parallel, 4);
    assert.equal(d.metric, 'acc');
    assert.equal(d.goal, 'max');
    assert.equal(d.earlyStop, 'none');
    assert.equal(d.seed, 0);
    assert.deepEqual(d.launchOptions, {});
  });

  it('defaults to tpe when a space is continuous or sampled, with 20 trials', () => {
    const d = plan({ lr: 'loguniform(1e-4, 1e-1)', batch: 'randint(16,256)' });
    assert.equal(d.algo, 'tpe');
    assert.equal(d.trials, 20);
    assert.deepEqual(d.spaces[0].space, { kind: 'loguniform', lo: 1e-4, hi: 0.1 });
    assert.deepEqual(d.spaces[1].space, { kind: 'randint', lo: 16, hi: 256 });
  });

  it('reads every sweep option, and passes launch options on to the trials', () => {
    const d = plan(
      { lr: 'uniform(0.01,0.5)' },
      {
        algo: 'Random',
        trials: '50',
        parallel: '8',
        metric: 'val/loss',
        goal: 'min',
        'early-stop': 'asha',
        seed: '7',
        gpu: '2',
      },
    );
    assert.equal(d.algo, 'random');
    assert.equal(d.trials, 50);
    assert.equal(d.parallel, 8);
    assert.equal(d.metric, 'val/loss');
    assert.equal(d.goal, 'min');
    assert.equal(d.earlyStop, 'asha');
    assert.equal(d.seed, 7);
    assert.deepEqual(d.launchOptions, { gpu: '2' });
  });

  it('takes the seed from the context when the command gives none', () => {
    assert.equal(plan({ lr: '[1,2]' }, {}, { defaultSeed: 1234 }).seed, 1234);
    assert.equal(plan({ lr: '[1,2]' }, { seed: '0' }, { defaultSeed: 1234 }).seed, 0);
  });

  it('caps --trials of a grid at its size and says so', () => {
    const result = planSweep(template, { lr: '[1,2,3]' }, { trials: '10' });
    assert.ok(result.ok);
    assert.equal(result.definition.trials, 3);
    assert.equal(result.gridSize, 3);
    assert.deepEqual(result.notes, [
      'The grid has 3 combinations, so the sweep runs 3 trials rather than 10.',
    ]);
    assert.equal(plan({ lr: '[1,2,3]', epochs: '[1,2]' }, { trials: '4' }).trials, 4);
  });

  it('applies the policy cap on parallel trials and reports it', () => {
    const result = planSweep(
      template,
      { lr: 'uniform(0.1,1)' },
      { parallel: '10' },
      { maxParallelTrials: 3 },
    );
    assert.ok(result.ok);
    assert.equal(result.definition.parallel, 3);
    assert.deepEqual(result.notes, [
      'This workspace runs at most 3 trials of a sweep at once, so 3 run at a time instead of 10.',
    ]);
    const quiet = planSweep(template, { lr: 'uniform(0.1,1)' }, { parallel: '2' }, { maxParallelTrials: 3 });
    assert.ok(quiet.ok);
    assert.deepEqual(quiet.notes, []);
  });

  it('never runs more trials at once than the sweep has', () => {
    assert.equal(plan({ lr: '[1,2]' }, { parallel: '10' }).parallel, 2);
  });

  it('uses the goal of the template only for its own metric', () => {
    assert.equal(plan({ lr: '[1,2]' }, { metric: 'acc' }).goal, 'max');
    assert.equal(plan({ lr: '[1,2]' }, { goal: 'min' }).goal, 'min');
    assert.equal(
      refusal({ lr: '[1,2]' }, { metric: 'loss' }),
      '--metric loss needs a direction; add --goal min (lower is better) or --goal max (higher is better).',
    );
  });

  it('reads range(start,stop) with a step of 1, and float ranges without drift', () => {
    assert.deepEqual(plan({ epochs: 'range(1,3)' }).spaces[0].space, {
      kind: 'range',
      start: 1,
      stop: 3,
      step: 1,
      count: 3,
      decimals: 0,
    });
    const d = plan({ dropout: 'range(0.1,0.5,0.1)' });
    assert.equal(d.trials, 5);
  });

  describe('refuses, in one sentence saying what is allowed', () => {
    const cases: [string, RawParams, RawOptions, string][] = [
      [
        'an unknown param, with a did-you-mean',
        { lrr: '[1,2]' },
        {},
        'demo has no param "lrr"; its params are epochs, lr, dropout, batch, optimizer, augment, note. Did you mean "lr"?',
      ],
      [
        'a range that leaves the bounds',
        { epochs: 'range(1,5000,1)' },
        {},
        '"epochs=range(1,5000,1)" reaches 5000, but epochs must be a whole number from 1 to 1000.',
      ],
      [
        'a range that starts outside the bounds',
        { epochs: 'range(0,10,1)' },
        {},
        '"epochs=range(0,10,1)" starts at 0, but epochs must be a whole number from 1 to 1000.',
      ],
      [
        'a list value outside the bounds',
        { lr: '[0.1,-1]' },
        {},
        '"lr=[0.1,-1]" includes "-1", but lr must be a number greater than 0.',
      ],
      [
        'a list value of the wrong type',
        { epochs: '[1,2.5]' },
        {},
        '"epochs=[1,2.5]" includes "2.5", but epochs must be a whole number from 1 to 1000.',
      ],
      [
        'a list value twice',
        { lr: '[0.1,.1]' },
        {},
        '"lr=[0.1,.1]" lists "0.1" twice; list each value once.',
      ],
      ['an empty list', { lr: '[]' }, {}, '"lr=[]" lists no values; write a list as [a,b,c].'],
      [
        'a list with an empty value',
        { lr: '[1,,2]' },
        {},
        '"lr=[1,,2]" has an empty value between commas; write a list as [a,b,c].',
      ],
      [
        'an unclosed list',
        { lr: '[1,2' },
        {},
        '"lr=[1,2" is missing its closing "]"; write a list as [a,b,c].',
      ],
      [
        'a reversed range',
        { epochs: 'range(10,1,1)' },
        {},
        '"epochs=range(10,1,1)" runs backwards (start 10 is above stop 1); write range(start,stop,step) with start at most stop.',
      ],
      [
        'a range with step 0',
        { epochs: 'range(1,10,0)' },
        {},
        '"epochs=range(1,10,0)" needs a step above 0, e.g. range(1,10,1).',
      ],
      [
        'a range with a negative step',
        { epochs: 'range(10,1,-1)' },
        {},
        '"epochs=range(10,1,-1)" needs a step above 0, e.g. range(1,10,1).',
      ],
      [
        'a range with a fractional step over a whole-number param',
        { epochs: 'range(1,10,0.5)' },
        {},
        '"epochs=range(1,10,0.5)" needs whole numbers for epochs, not "0.5"; write range(start,stop,step).',
      ],
      [
        'a range with too many values',
        { lr: 'range(0.000000001,100,0.0000000001)' },
        {},
        '"lr=range(0.000000001,100,0.0000000001)" has more than 1,000,000,000 values; use a larger step, or uniform(lo,hi) for a continuous space.',
      ],
      [
        'uniform(1,0)',
        { dropout: 'uniform(1,0)' },
        {},
        '"dropout=uniform(1,0)" needs lo below hi, e.g. uniform(0.001,0.1).',
      ],
      [
        'uniform beyond the bounds',
        { dropout: 'uniform(0.1,1)' },
        {},
        '"dropout=uniform(0.1,1)" can give 1, but dropout must be a number from 0 to 0.9.',
      ],
      [
        'uniform reaching an exclusive bound',
        { lr: 'uniform(0,1)' },
        {},
        '"lr=uniform(0,1)" can give 0, but lr must be a number greater than 0.',
      ],
      [
        'loguniform(0,1)',
        { lr: 'loguniform(0,1)' },
        {},
        '"lr=loguniform(0,1)" needs lo above 0, since a log scale never reaches 0; e.g. loguniform(0.0001,0.1).',
      ],
      [
        'loguniform with lo above hi',
        { lr: 'loguniform(1,0.1)' },
        {},
        '"lr=loguniform(1,0.1)" needs lo below hi, e.g. loguniform(0.0001,0.1).',
      ],
      [
        'uniform over a whole-number param',
        { epochs: 'uniform(1,10)' },
        {},
        '"epochs=uniform(1,10)" draws fractions, but epochs takes whole numbers; use randint(lo,hi) or range(start,stop,step).',
      ],
      [
        'randint over a float param',
        { lr: 'randint(1,10)' },
        {},
        '"lr=randint(1,10)" draws only whole numbers, but lr takes any number; use uniform(lo,hi) or loguniform(lo,hi).',
      ],
      [
        'randint with lo above hi',
        { epochs: 'randint(10,1)' },
        {},
        '"epochs=randint(10,1)" needs lo at most hi, e.g. randint(1,10).',
      ],
      [
        'a space function that is not a list on an enum param',
        { optimizer: 'range(1,3,1)' },
        {},
        'optimizer is an enum param, so range(…) cannot search it; give it a list instead, e.g. optimizer=[sgd,adam,adamw].',
      ],
      [
        'a space function on a bool param',
        { augment: 'uniform(0,1)' },
        {},
        'augment is a true/false param, so uniform(…) cannot search it; give it a list instead, e.g. augment=[true,false].',
      ],
      [
        'a space function on a string param',
        { note: 'randint(1,2)' },
        {},
        'note is a text param, so randint(…) cannot search it; give it a list instead, e.g. note=[a,b].',
      ],
      [
        'a space with a word for a number',
        { lr: 'uniform(a,1)' },
        {},
        '"lr=uniform(a,1)" needs numbers, not "a"; write uniform(lo,hi).',
      ],
      [
        'a space with the wrong number of arguments',
        { lr: 'uniform(1)' },
        {},
        '"lr=uniform(1)" needs lo and hi separated by commas; write uniform(lo,hi).',
      ],
      [
        'an unclosed space',
        { lr: 'loguniform(1e-4,1e-1' },
        {},
        '"lr=loguniform(1e-4,1e-1" is missing its closing ")"; write loguniform(lo,hi).',
      ],
      [
        'a fixed value that looks like an unknown space',
        { lr: 'normal(0,1)' },
        {},
        'lr must be a number greater than 0, not "normal(0,1)"; the search spaces are [a,b,c], range(start,stop,step), uniform(lo,hi), loguniform(lo,hi), randint(lo,hi).',
      ],
      [
        'a bad fixed value',
        { lr: '[1,2]', epochs: 'many' },
        {},
        'epochs must be a whole number from 1 to 1000, not "many".',
      ],
      [
        'a bad fixed enum value, with a did-you-mean',
        { lr: '[1,2]', optimizer: 'adma' },
        {},
        'optimizer must be one of sgd, adam, adamw, not "adma". Did you mean "adam"?',
      ],
      [
        'no space at all',
        { lr: '0.1' },
        {},
        'A sweep needs at least one param with a search space, e.g. lr=[0.01,0.1] or lr=loguniform(1e-4,1e-1).',
      ],
      [
        'grid over a continuous space',
        { lr: 'uniform(0.1,1)', epochs: '[1,2]' },
        { algo: 'grid' },
        '--algo grid tries every combination, but lr=uniform(0.1,1) is not a list or a range; give lr a list or range(start,stop,step), or use --algo random or --algo tpe.',
      ],
      [
        'grid over a randint space',
        { epochs: 'randint(1,5)' },
        { algo: 'grid' },
        '--algo grid tries every combination, but epochs=randint(1,5) is not a list or a range; give epochs a list or range(start,stop,step), or use --algo random or --algo tpe.',
      ],
      [
        'more than 10,000 grid points',
        { epochs: 'range(1,1000,1)', batch: 'range(1,11,1)' },
        {},
        'This grid has more than 10,000 combinations; use fewer values, or --algo random or --algo tpe with --trials.',
      ],
      [
        'more than 10,000 grid points even with --trials',
        { epochs: 'range(1,1000,1)', batch: 'range(1,11,1)' },
        { trials: '10' },
        'This grid has more than 10,000 combinations; use fewer values, or --algo random or --algo tpe with --trials.',
      ],
      [
        'a grid of more than 1,000 trials without --trials',
        { epochs: 'range(1,100,1)', batch: 'range(1,20,1)' },
        {},
        'This grid has 2,000 combinations, more than the 1,000 trials a sweep may run; add --trials 1000 to run the first 1,000, or use fewer values.',
      ],
      [
        '--parallel 0',
        { lr: '[1,2]' },
        { parallel: '0' },
        '--parallel must be a whole number from 1 to 1,000, not "0".',
      ],
      [
        '--trials over 1,000',
        { lr: 'uniform(0.1,1)' },
        { trials: '5000' },
        '--trials must be a whole number from 1 to 1,000, not "5000".',
      ],
      [
        '--trials 0',
        { lr: 'uniform(0.1,1)' },
        { trials: '0' },
        '--trials must be a whole number from 1 to 1,000, not "0".',
      ],
      [
        '--seed that is not a whole number',
        { lr: '[1,2]' },
        { seed: '-1' },
        '--seed must be a whole number from 0 to 4,294,967,295, not "-1".',
      ],
      [
        'an unknown --algo, with a did-you-mean',
        { lr: '[1,2]' },
        { algo: 'rnadom' },
        '--algo must be grid, random or tpe, not "rnadom". Did you mean "random"?',
      ],
      ['an unknown --goal', { lr: '[1,2]' }, { goal: 'up' }, '--goal must be min or max, not "up".'],
      [
        'an unknown --early-stop',
        { lr: '[1,2]' },
        { 'early-stop': 'hyperband' },
        '--early-stop must be none, median or asha, not "hyperband".',
      ],
      [
        'a --metric that is not a metric name',
        { lr: '[1,2]' },
        { metric: 'a b' },
        '--metric must be a metric name as the logs print it, such as loss or val_acc, not "a b".',
      ],
      [
        'an unknown option, with a did-you-mean',
        { lr: '[1,2]' },
        { trails: '5' },
        '"--trails" is not a sweep option; use --algo, --trials, --parallel, --metric, --goal, --early-stop, --seed, --gpu, --cpu or --memory. Did you mean "--trials"?',
      ],
    ];
    for (const [what, params, options, sentence] of cases) {
      it(what, () => assert.equal(refusal(params, options), sentence));
    }

    it('no metric anywhere', () => {
      const bare = makeTemplate({ objective: undefined });
      assert.equal(
        refusal({ lr: '[1,2]' }, {}, bare),
        'This sweep has no metric to optimise; add --metric <name> --goal min|max (e.g. --metric loss --goal min), or give the demo template an objective.',
      );
      assert.equal(
        refusal({ lr: '[1,2]' }, { metric: 'loss' }, bare),
        '--metric loss needs a direction; add --goal min (lower is better) or --goal max (higher is better).',
      );
    });

    it('a required param that is neither given nor searched', () => {
      const t = makeTemplate({
        params: [
          { name: 'lr', type: 'float', default: 0.1, required: false },
          { name: 'data', type: 'string', required: true },
        ],
      });
      assert.equal(
        refusal({ lr: '[1,2]' }, {}, t),
        'demo needs data (text); add data=<value>, or a list such as data=[a,b] to search it.',
      );
      const searched = planSweep(t, { lr: '[1,2]', data: '[a,b]' }, {});
      assert.ok(searched.ok);
    });
  });

  describe('quotes what the user typed as plain text (the views escape it)', () => {
    it('in a list value', () => {
      assert.equal(
        refusal({ epochs: '[1,<!channel>]' }),
        '"epochs=[1,<!channel>]" includes "<!channel>", but epochs must be a whole number from 1 to 1000.',
      );
    });

    it('flattened to one line and cut when long', () => {
      assert.equal(
        refusal({ lr: '[1,2]', epochs: 'a\nb' }),
        'epochs must be a whole number from 1 to 1000, not "a b".',
      );
      assert.match(refusal({ lr: '[1,2]', epochs: 'x'.repeat(100) }), /not "x{40}…"\.$/);
    });
  });
});

describe('seedFromSweepId', () => {
  it('gives every sweep a fixed seed of its own', () => {
    assert.equal(seedFromSweepId('s-0123456789'), seedFromSweepId('s-0123456789'));
    assert.notEqual(seedFromSweepId('s-0123456789'), seedFromSweepId('s-0123456788'));
    const seed = seedFromSweepId('s-abcdefghij');
    assert.ok(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff);
  });
});

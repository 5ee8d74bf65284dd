import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { finalOutputs } from '../../../src/core/pipeline/final-outputs.ts';
import { type Candidate, pickBest } from '../../../src/core/pipeline/pick-best.ts';
import type { Pipeline } from '../../../src/core/pipeline/pipeline.ts';

const run = (key: string, loss?: string): Candidate => ({
  key,
  runId: `r-${key}`,
  outputs: loss === undefined ? {} : { loss },
});

describe('pickBest', () => {
  it('picks the lowest or highest number, passing over runs without one; ties go to the earlier run', () => {
    const runs = [run('a', '0.5'), run('b', 'x'), run('c', '0.1'), run('d'), run('e', '0.1'), run('f', '2')];
    assert.equal(pickBest(runs, { metric: 'loss', goal: 'min' })?.key, 'c');
    assert.equal(pickBest(runs, { metric: 'loss', goal: 'max' })?.key, 'f');
    assert.equal(pickBest([run('a', '-1e-3'), run('b', '0')], { metric: 'loss', goal: 'min' })?.key, 'a');
    assert.equal(pickBest([run('a'), run('b', ' ')], { metric: 'loss', goal: 'min' }), undefined);
    assert.equal(pickBest([run('a', '1')], { metric: 'constructor', goal: 'min' }), undefined);
  });
});

describe('finalOutputs', () => {
  const pipeline: Pipeline = {
    name: 'p',
    file: '/p.yaml',
    params: [],
    steps: [
      { name: 'prep', template: 't', params: {}, needs: [] },
      {
        name: 'train',
        template: 't',
        params: {},
        needs: ['prep'],
        matrix: { x: [1, 2] },
        objective: { metric: 'loss', goal: 'min' },
      },
      { name: 'sweep', template: 't', params: {}, needs: ['prep'], matrix: { x: [1, 2] } },
    ],
  };

  it('gives the final steps: the best run of a matrix with an objective, every run of one without', () => {
    const ok = (runId: string, loss: string) => ({ state: 'succeeded' as const, runId, outputs: { loss } });
    assert.deepEqual(
      finalOutputs(pipeline, {
        prep: ok('p', '9'),
        'train#1': ok('t1', '0.5'),
        'train#2': ok('t2', '0.2'),
        'sweep#1': ok('s1', '1'),
        'sweep#2': { state: 'failed', runId: 's2', reason: 'x' },
      }),
      [
        { step: 'train', key: 'train#2', runId: 't2', outputs: { loss: '0.2' }, best: true },
        { step: 'sweep', key: 'sweep#1', runId: 's1', outputs: { loss: '1' } },
      ],
    );
  });
});

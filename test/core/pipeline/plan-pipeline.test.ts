import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { parsePipeline } from '../../../src/core/pipeline/parse-pipeline.ts';
import type { Pipeline } from '../../../src/core/pipeline/pipeline.ts';
import { PLACEHOLDER_NOTE, planPipeline } from '../../../src/core/pipeline/plan-pipeline.ts';
import { TEMPLATES } from './templates.ts';

function load(yaml: string): Pipeline {
  const result = parsePipeline('flow', '/t/flow.yaml', parse(yaml), TEMPLATES);
  assert.ok(result.ok, JSON.stringify(result));
  return result.pipeline;
}

describe('planPipeline', () => {
  it('lists every instance in order, with placeholders for outputs and a note saying so', () => {
    const pipeline = load(`params: { rows: { type: int, default: 10 } }
steps:
  eval:
    template: eval
    needs: [train]
    params: { weights: '{{steps.train.best.outputs.w}}', candidates: '{{steps.train.all.outputs.loss}}' }
  train:
    template: train
    needs: [prep]
    params: { data: '{{steps.prep.outputs.path}}' }
    matrix: { lr: [0.1, 0.2] }
  prep: { template: prep, params: { rows: '{{rows}}' } }
`);
    assert.deepEqual(planPipeline(pipeline, { rows: 7 }), {
      instances: [
        { key: 'prep', step: 'prep', template: 'prep', params: { rows: '7' }, pending: [] },
        {
          key: 'train#1',
          step: 'train',
          index: 1,
          template: 'train',
          params: { data: '<output path of step prep>', lr: '0.1' },
          pending: ['data'],
        },
        {
          key: 'train#2',
          step: 'train',
          index: 2,
          template: 'train',
          params: { data: '<output path of step prep>', lr: '0.2' },
          pending: ['data'],
        },
        {
          key: 'eval',
          step: 'eval',
          template: 'eval',
          params: {
            weights: '<output w of the best run of step train>',
            candidates: '<output loss of every run of step train, as a JSON list>',
          },
          pending: ['weights', 'candidates'],
        },
      ],
      note: PLACEHOLDER_NOTE,
    });
  });

  it('has no note when every value is known', () => {
    const plan = planPipeline(load('steps:\n  prep: { template: prep, params: { rows: 3 } }\n'), {});
    assert.deepEqual(plan, {
      instances: [{ key: 'prep', step: 'prep', template: 'prep', params: { rows: '3' }, pending: [] }],
    });
  });
});

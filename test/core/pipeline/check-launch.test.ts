import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { checkPipelineLaunch } from '../../../src/core/pipeline/check-launch.ts';
import { parsePipeline } from '../../../src/core/pipeline/parse-pipeline.ts';
import { TEMPLATES } from './templates.ts';

const result = parsePipeline(
  'flow',
  '/t/flow.yaml',
  parse(`params:
  epochs: { type: int, default: 5, min: 1, max: 1000 }
steps:
  train: { template: train, params: { epochs: '{{epochs}}' } }
`),
  TEMPLATES,
);
assert.ok(result.ok, JSON.stringify(result));
const { pipeline } = result;

describe('checkPipelineLaunch', () => {
  it('types the launch params and fills in defaults', () => {
    assert.deepEqual(checkPipelineLaunch(pipeline, { epochs: '7' }, TEMPLATES), {
      ok: true,
      params: { epochs: 7 },
    });
    assert.deepEqual(checkPipelineLaunch(pipeline, {}, TEMPLATES), { ok: true, params: { epochs: 5 } });
  });

  it('refuses params the pipeline does not have or that do not fit, as for a template', () => {
    assert.deepEqual(checkPipelineLaunch(pipeline, { epoch: '7' }, TEMPLATES), {
      ok: false,
      error: 'flow has no param "epoch"; its params are epochs. Did you mean "epochs"?',
    });
  });

  it('refuses a value a step template refuses, naming the step', () => {
    assert.deepEqual(checkPipelineLaunch(pipeline, { epochs: '500' }, TEMPLATES), {
      ok: false,
      error: 'Step train of pipeline flow: epochs must be a whole number from 1 to 100, not "500".',
    });
  });

  it('refuses when a step template is no longer loaded', () => {
    assert.deepEqual(checkPipelineLaunch(pipeline, {}, new Map()), {
      ok: false,
      error:
        'Step train of pipeline flow runs template train, which is no longer loaded; run trainyard check.',
    });
  });
});

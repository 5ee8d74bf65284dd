import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import {
  applyDecision,
  decidePipeline,
  type PipelineDecision,
} from '../../../src/core/pipeline/decide-pipeline.ts';
import { parsePipeline } from '../../../src/core/pipeline/parse-pipeline.ts';
import type { Pipeline } from '../../../src/core/pipeline/pipeline.ts';
import type { StepState } from '../../../src/core/pipeline/step-state.ts';
import type { Params } from '../../../src/core/run/run.ts';
import { TEMPLATES } from './templates.ts';

function load(yaml: string): Pipeline {
  const result = parsePipeline('flow', '/t/flow.yaml', parse(yaml), TEMPLATES);
  assert.ok(result.ok, JSON.stringify(result));
  return result.pipeline;
}

// prep → train (matrix of 3, two at a time) → eval; report needs only prep.
const FLOW = load(`params:
  rows: { type: int, default: 100 }
steps:
  prep:
    template: prep
    params: { rows: '{{rows}}' }
  train:
    template: train
    needs: [prep]
    params: { data: 'in/{{steps.prep.outputs.path}}' }
    matrix: { lr: [0.1, 0.2, 0.3] }
    parallel: 2
  eval:
    template: eval
    needs: [train]
    params:
      weights: '{{steps.train.best.outputs.w}}'
      candidates: '{{steps.train.all.outputs.loss}}'
  report:
    template: fit
    needs: [prep]
`);

const PARAMS: Params = { rows: 100 };

type States = Record<string, StepState>;

const ok = (runId: string, outputs: Record<string, string> = {}): StepState => ({
  state: 'succeeded',
  runId,
  outputs,
});
const running = (runId: string): StepState => ({ state: 'running', runId });

function decide(steps: States, stop?: { by: string }): PipelineDecision {
  return decidePipeline(FLOW, { params: PARAMS, steps, ...(stop ? { stop } : {}) });
}

const keys = (list: Array<{ key: string }>) => list.map((x) => x.key);

describe('decidePipeline', () => {
  it('starts the steps that need nothing, with pipeline params substituted as text', () => {
    const d = decide({});
    assert.deepEqual(d.start, [
      { key: 'prep', step: 'prep', template: 'prep', params: { rows: '100' }, inputs: [], consumed: [] },
    ]);
    assert.deepEqual([d.skip, d.fail, d.stop, d.end], [[], [], [], undefined]);
  });

  it('fans out once the needs succeeded, at most `parallel` at once, outputs substituted', () => {
    const d = decide({ prep: ok('r-prep', { path: 'data.json', rows: '100' }) });
    assert.deepEqual(keys(d.start), ['train#1', 'train#2', 'report']);
    assert.deepEqual(d.start[1], {
      key: 'train#2',
      step: 'train',
      index: 2,
      template: 'train',
      params: { data: 'in/data.json', lr: '0.2' },
      inputs: [{ step: 'prep', runs: [{ key: 'prep', runId: 'r-prep' }] }],
      consumed: ['r-prep'],
    });
  });

  it('starts the next run of a matrix when one ends', () => {
    const base: States = { prep: ok('r-p', { path: 'd' }), report: running('r-rep') };
    assert.deepEqual(keys(decide({ ...base, 'train#1': running('a'), 'train#2': running('b') }).start), []);
    assert.deepEqual(keys(decide({ ...base, 'train#1': ok('a'), 'train#2': running('b') }).start), [
      'train#3',
    ]);
  });

  it('reads the best run by the objective and all runs as a JSON list', () => {
    const d = decide({
      prep: ok('r-p', { path: 'd' }),
      report: ok('r-rep'),
      'train#1': ok('r-1', { w: 'w1', loss: '0.5' }),
      'train#2': ok('r-2', { w: 'w2', loss: '0.2' }),
      'train#3': ok('r-3', { w: 'w3', loss: '0.2' }),
    });
    assert.equal(d.start.length, 1);
    const [evalLaunch] = d.start;
    assert.deepEqual(evalLaunch.params, { weights: 'w2', candidates: '["0.5","0.2","0.2"]' });
    assert.deepEqual(evalLaunch.inputs, [
      {
        step: 'train',
        runs: [
          { key: 'train#1', index: 1, runId: 'r-1' },
          { key: 'train#2', index: 2, runId: 'r-2' },
          { key: 'train#3', index: 3, runId: 'r-3' },
        ],
      },
    ]);
    assert.deepEqual(evalLaunch.consumed, ['r-1', 'r-2', 'r-3']);
  });

  it('passes hostile output text on literally, never as a reference', () => {
    const d = decide({ prep: ok('r-p', { path: '{{rows}} $(x) <!here>' }) });
    assert.equal(d.start[0].params.data, 'in/{{rows}} $(x) <!here>');
  });

  it('records in consumed the runs whose outputs it read, not only its direct needs', () => {
    const pipeline = load(`steps:
  prep: { template: prep }
  train: { template: train, needs: [prep] }
  eval: { template: eval, needs: [train], params: { weights: '{{steps.prep.outputs.path}}' } }
`);
    const d = decidePipeline(pipeline, {
      params: {},
      steps: { prep: ok('r-p', { path: 'p' }), train: ok('r-t') },
    });
    assert.deepEqual(d.start[0].consumed, ['r-t', 'r-p']);
  });

  it('fails a step that reads an output its producer did not set, and skips what needs it', () => {
    const d = decide({ prep: ok('r-p', { rows: '1' }) });
    assert.deepEqual(d.fail, [
      { key: 'train#1', step: 'train', reason: 'could not start: prep did not set output path' },
    ]);
    assert.deepEqual(
      d.skip.map((s) => [s.key, s.reason]),
      [
        ['train#2', 'skipped: train#1 failed, so step train cannot succeed'],
        ['train#3', 'skipped: train#1 failed, so step train cannot succeed'],
        ['eval', 'skipped: needs train, which failed'],
      ],
    );
    assert.deepEqual(keys(d.start), ['report']);
    assert.equal(d.end, undefined);
  });

  it('fails a step that reads the best run when no run has a number for the metric', () => {
    const d = decide({
      prep: ok('r-p', { path: 'd' }),
      report: ok('r-rep'),
      'train#1': ok('r-1', { w: 'a', loss: 'nan' }),
      'train#2': ok('r-2', { w: 'b', loss: '' }),
      'train#3': ok('r-3', { w: 'c' }),
    });
    assert.deepEqual(d.fail, [
      {
        key: 'eval',
        step: 'eval',
        reason: 'could not start: no run of step train has a number for loss to pick the best run by',
      },
    ]);
    assert.deepEqual(d.end, {
      state: 'failed',
      step: 'eval',
      key: 'eval',
      reason: 'could not start: no run of step train has a number for loss to pick the best run by',
    });
  });

  it('skips every step downstream of a failed one, naming it, while other branches go on', () => {
    const d = decide({
      prep: ok('r-p', { path: 'd' }),
      report: running('r-rep'),
      'train#1': { state: 'failed', runId: 'r-1', reason: 'exit code 1' },
      'train#2': running('r-2'),
    });
    assert.deepEqual(
      d.skip.map((s) => [s.key, s.reason]),
      [
        ['train#3', 'skipped: train#1 failed, so step train cannot succeed'],
        ['eval', 'skipped: needs train, which failed'],
      ],
    );
    assert.deepEqual(d.skip[1].cause, { kind: 'need', step: 'train', outcome: 'failed' });
    assert.deepEqual([d.start, d.end], [[], undefined]);
  });

  it('names the root cause further down: a failed prep skips train and eval for prep', () => {
    const d = decide({ prep: { state: 'failed', runId: 'r-p', reason: 'out of memory' } });
    assert.deepEqual(
      d.skip.map((s) => [s.key, s.reason]),
      [
        ['train#1', 'skipped: needs prep, which failed'],
        ['train#2', 'skipped: needs prep, which failed'],
        ['train#3', 'skipped: needs prep, which failed'],
        ['eval', 'skipped: needs prep, which failed'],
        ['report', 'skipped: needs prep, which failed'],
      ],
    );
    assert.deepEqual(d.end, { state: 'failed', step: 'prep', key: 'prep', reason: 'out of memory' });
  });

  it('ends failed only once the other branches finished, naming the failed step and its reason', () => {
    const states: States = {
      prep: ok('r-p', { path: 'd' }),
      report: ok('r-rep'),
      'train#1': ok('r-1'),
      'train#2': { state: 'failed', runId: 'r-2', reason: 'exit code 3' },
      'train#3': running('r-3'),
    };
    const first = decide(states);
    assert.equal(first.end, undefined);
    const after = applyDecision(states, first, {});
    after['train#3'] = ok('r-3');
    assert.deepEqual(decide(after).end, {
      state: 'failed',
      step: 'train',
      key: 'train#2',
      reason: 'exit code 3',
    });
  });

  it('treats a stopped step like a failed one for what needs it, and ends stopped', () => {
    const d = decide({
      prep: ok('r-p', { path: 'd' }),
      report: ok('r-rep'),
      'train#1': ok('r-1'),
      'train#2': ok('r-2'),
      'train#3': { state: 'stopped', runId: 'r-3', reason: 'stopped by @U2' },
    });
    assert.deepEqual(
      d.skip.map((s) => [s.key, s.reason]),
      [['eval', 'skipped: needs train, which was stopped']],
    );
    assert.deepEqual(d.end, {
      state: 'stopped',
      step: 'train',
      key: 'train#3',
      reason: 'step train#3 was stopped: stopped by @U2',
    });
  });

  it('on a pipeline stop, stops running steps, starts nothing and skips the rest', () => {
    const states: States = {
      prep: ok('r-p', { path: 'd' }),
      'train#1': running('r-1'),
      report: running('r-rep'),
    };
    const d = decide(states, { by: 'U9' });
    assert.deepEqual(d.start, []);
    assert.deepEqual(d.stop, [
      { key: 'train#1', step: 'train', runId: 'r-1' },
      { key: 'report', step: 'report', runId: 'r-rep' },
    ]);
    assert.deepEqual(
      d.skip.map((s) => [s.key, s.reason]),
      [
        ['train#2', 'skipped: pipeline stopped by @U9'],
        ['train#3', 'skipped: pipeline stopped by @U9'],
        ['eval', 'skipped: pipeline stopped by @U9'],
      ],
    );
    assert.equal(d.end, undefined, 'not ended while runs are still being stopped');
    const after = {
      ...applyDecision(states, d, {}),
      'train#1': { state: 'stopped', runId: 'r-1', reason: 'stopped' } as StepState,
      report: ok('r-rep'),
    };
    assert.deepEqual(decide(after, { by: 'U9' }), {
      start: [],
      skip: [],
      fail: [],
      stop: [],
      end: { state: 'stopped', reason: 'stopped by @U9' },
    });
  });

  it('ends succeeded only when every run succeeded, even if a stop came too late', () => {
    const all: States = {
      prep: ok('r-p'),
      report: ok('r-rep'),
      'train#1': ok('1'),
      'train#2': ok('2'),
      'train#3': ok('3'),
      eval: ok('e'),
    };
    assert.deepEqual(decide(all).end, { state: 'succeeded' });
    assert.deepEqual(decide(all, { by: 'U1' }).end, { state: 'succeeded' });
  });

  it('decides the same from the same stored state, so a restart changes nothing', () => {
    const states: States = { prep: ok('r-p', { path: 'd' }), 'train#1': running('a') };
    assert.deepEqual(decide(states), decide(structuredClone(states)));
    assert.ok(!keys(decide(states).start).includes('train#1'));
  });
});

describe('applyDecision', () => {
  it('records starts as running with their run ids, skips and failures', () => {
    const d = decide({ prep: ok('r-p', { rows: '1' }) });
    const next = applyDecision({ prep: ok('r-p', { rows: '1' }) }, d, { report: 'r-rep' });
    assert.deepEqual(next.report, { state: 'running', runId: 'r-rep' });
    assert.equal(next['train#1'].state, 'failed');
    assert.equal(next.eval.state, 'skipped');
  });

  it('refuses a start without a run id', () => {
    assert.throws(() => applyDecision({}, decide({}), {}), /no run id for started step prep/);
  });
});

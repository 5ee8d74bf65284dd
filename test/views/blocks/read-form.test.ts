import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Params } from '../../../src/core/run/run.ts';
import { resolveParams } from '../../../src/core/template/resolve-params.ts';
import { FORM_BLOCKS } from '../../../src/views/blocks/form-fields.ts';
import { renderLaunchForm } from '../../../src/views/blocks/launch-form.ts';
import { renderNewRunForm } from '../../../src/views/blocks/new-run-form.ts';
import { readFormSubmission } from '../../../src/views/blocks/read-form.ts';
import { RESNET, submittedState } from './view-fixtures.ts';

describe('readFormSubmission', () => {
  it('reads an untouched form back as the values it started from', () => {
    const view = renderLaunchForm({ template: RESNET, channel: 'C1' });
    const submission = readFormSubmission(submittedState(view, { 'param:dataset': 'cats' }));
    assert.deepEqual(submission, {
      params: { epochs: '10', lr: '0.001', optimizer: 'adam', augment: 'true', dataset: 'cats' },
      options: {},
    });
    const resolved = resolveParams(RESNET, submission.params);
    assert.deepEqual(resolved, {
      ok: true,
      params: { epochs: 10, lr: 0.001, optimizer: 'adam', augment: true, dataset: 'cats' },
    });
  });

  it('reads changed fields, an unticked box as false, and filled launch options', () => {
    const view = renderLaunchForm({ template: RESNET });
    const state = submittedState(view, {
      'param:epochs': '30',
      'param:optimizer': 'sgd',
      'param:augment': false,
      'param:dataset': 'dogs',
      'param:lr': null,
      'option:gpu': '2',
      'option:cpu': ' 500m ',
      [FORM_BLOCKS.channel]: 'C77',
    });
    assert.deepEqual(readFormSubmission(state), {
      params: { epochs: '30', optimizer: 'sgd', augment: 'false', dataset: 'dogs' },
      options: { gpu: '2', cpu: '500m' },
      channel: 'C77',
    });
  });

  it('reads the template picked in /train new', () => {
    const view = renderNewRunForm({ templates: [RESNET] });
    assert.deepEqual(readFormSubmission(submittedState(view, { [FORM_BLOCKS.template]: 'resnet' })), {
      params: {},
      options: {},
      pickedTemplate: 'resnet',
    });
  });

  it('ignores blocks that are not its fields and names no template could have', () => {
    const state = {
      'param:__proto__': { a: { type: 'plain_text_input', value: 'polluted' } },
      'param:Bad Name': { a: { type: 'plain_text_input', value: 'x' } },
      'option:privileged': { a: { type: 'plain_text_input', value: 'true' } },
      'something:else': { a: { type: 'plain_text_input', value: 'x' } },
      'param:ok': { a: { type: 'plain_text_input', value: 'fine' } },
      'param:empty': {},
    };
    const submission = readFormSubmission(state);
    assert.deepEqual(submission, { params: { ok: 'fine' }, options: {} });
    assert.equal(Object.getPrototypeOf(submission.params), Object.prototype);
  });

  it('gives back any values that fit the params, through the form and Slack’s state', () => {
    const fitting = fc.record({
      epochs: fc.integer({ min: 1, max: 1000 }),
      lr: fc.double({ min: 1e-9, max: 1, noNaN: true }),
      optimizer: fc.constantFrom('adam', 'sgd', 'rmsprop'),
      augment: fc.boolean(),
      dataset: fc.stringMatching(/^[a-z0-9-]{1,20}$/),
    });
    fc.assert(
      fc.property(fitting, (generated) => {
        const params: Params = { ...generated };
        const rerun = { id: 'r-1', number: 1, spec: { params } };
        const view = renderLaunchForm({ template: RESNET, channel: 'C1', rerun });
        const back = resolveParams(RESNET, readFormSubmission(submittedState(view)).params);
        assert.deepEqual(back, { ok: true, params });
      }),
      { numRuns: 300 },
    );
  });
});

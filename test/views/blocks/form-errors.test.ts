import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkFormParams,
  FORM_STALE,
  fieldOfError,
  formErrorResponse,
} from '../../../src/views/blocks/form-errors.ts';
import { renderLaunchForm } from '../../../src/views/blocks/launch-form.ts';
import { makeTemplate, param, RESNET, submittedState } from './view-fixtures.ts';

describe('checkFormParams', () => {
  it('puts every wrong value on its own field, in the words a typed command gets', () => {
    const errors = checkFormParams(RESNET, {
      epochs: '0',
      lr: '0',
      optimizer: 'adamm',
      augment: 'true',
      dataset: 'Cats!',
    });
    assert.deepEqual(errors, {
      'param:epochs': 'epochs must be a whole number from 1 to 1000, not "0".',
      'param:lr': 'lr must be a number greater than 0 and of at most 1, not "0".',
      'param:optimizer': 'optimizer must be one of adam, sgd, rmsprop, not "adamm". Did you mean "adam"?',
      'param:dataset': 'dataset must be text matching /[a-z0-9-]+/, not "Cats!".',
    });
  });

  it('accepts a form of good values, and empty fields that have defaults', () => {
    assert.deepEqual(checkFormParams(RESNET, { dataset: 'cats' }), {});
  });

  it('needs a value for a param without a default, unless a rerun keeps the run’s', () => {
    assert.deepEqual(checkFormParams(RESNET, {}), {
      'param:dataset': 'dataset needs a value: text matching /[a-z0-9-]+/.',
    });
    assert.deepEqual(checkFormParams(RESNET, {}, { rerun: true }), {});
  });

  it('says the form is stale when it has a param the template no longer has', () => {
    const errors = checkFormParams(RESNET, { dataset: 'cats', depth: '50' });
    assert.match(
      errors[FORM_STALE],
      /resnet has changed since this form was opened \(it has no param depth\)/,
    );
  });
});

describe('fieldOfError', () => {
  const template = makeTemplate('t', [
    param('lr', 'float'),
    param('lr_decay', 'float'),
    param('epochs', 'int'),
  ]);

  it('finds the field an error from the launch checks is about', () => {
    assert.equal(
      fieldOfError('--gpu must be a whole number of GPUs from 0 to 64, not "99".', template),
      'option:gpu',
    );
    assert.equal(
      fieldOfError('--memory must be a Kubernetes quantity such as 8Gi, not "lots".', template),
      'option:memory',
    );
    assert.equal(fieldOfError('lr_decay must be a number, not "x".', template), 'param:lr_decay');
    assert.equal(fieldOfError('lr must be a number, not "x".', template), 'param:lr');
    assert.equal(
      fieldOfError('t needs epochs (a whole number); add epochs=<value>.', template),
      'param:epochs',
    );
    assert.equal(fieldOfError('You may run at most 2 jobs at once.', template), undefined);
    // The policy's GPU cap: the GPUs field is where the count is set.
    assert.equal(
      fieldOfError('This run asks for 8 GPUs but the limit is 4 per run; ask for 4 or fewer.', template),
      'option:gpu',
    );
  });
});

describe('formErrorResponse', () => {
  it('keys errors by the blocks of the submitted view, and puts the others on its first field', () => {
    const view = renderLaunchForm({ template: RESNET, channel: 'C1' });
    const blockIds = Object.keys(submittedState(view));
    const response = formErrorResponse(
      {
        'param:epochs': 'epochs must be a whole number from 1 to 1000, not "0".',
        [FORM_STALE]: 'resnet has changed since this form was opened.',
        'param:added_later': 'added_later needs a value.',
        'option:gpu': 'x'.repeat(1000),
      },
      blockIds,
    );
    assert.equal(response.response_action, 'errors');
    assert.deepEqual(Object.keys(response.errors).sort(), ['option:gpu', 'param:epochs']);
    assert.equal(
      response.errors['param:epochs'],
      'epochs must be a whole number from 1 to 1000, not "0". resnet has changed since this form was opened. added_later needs a value.',
    );
    assert.ok(response.errors['option:gpu'].length <= 300);
    for (const key of Object.keys(response.errors)) assert.ok(blockIds.includes(key));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { types } from '@slack/bolt';
import { VIEWS } from '../../../src/core/actions.ts';
import { decodeFormContext } from '../../../src/views/blocks/form-context.ts';
import { FORM_BLOCKS, paramBlockId, plainNumber } from '../../../src/views/blocks/form-fields.ts';
import { renderLaunchForm } from '../../../src/views/blocks/launch-form.ts';
import { assertSafeView } from '../../support/view-checks.ts';
import { inputsOf, makeTemplate, param, RESNET } from './view-fixtures.ts';

/** The input block of a param, as plain JSON. */
function field(view: types.View, name: string) {
  const block = inputsOf(view).find((b) => b.block_id === paramBlockId(name));
  assert.ok(block, `no field for ${name}`);
  return block as unknown as {
    optional?: boolean;
    hint: { text: string };
    label: { text: string };
    element: Record<string, unknown> & { type: string };
  };
}

describe('renderLaunchForm', () => {
  it('has one typed input per param, pre-filled with the template defaults', () => {
    const view = renderLaunchForm({ template: RESNET, channel: 'C1' });
    assert.equal(view.callback_id, VIEWS.launchForm);
    assert.equal(view.title.text, 'Launch resnet');
    assert.deepEqual(decodeFormContext(view.private_metadata), { template: 'resnet', channel: 'C1' });

    const epochs = field(view, 'epochs');
    assert.equal(epochs.label.text, 'epochs');
    assert.deepEqual(epochs.element, {
      type: 'number_input',
      action_id: 'int:resnet',
      is_decimal_allowed: false,
      min_value: '1',
      max_value: '1000',
      initial_value: '10',
    });
    assert.match(
      epochs.hint.text,
      /passes over the data.*a whole number from 1 to 1000.*empty for the default, 10/,
    );
    assert.equal(epochs.optional, true);

    // An exclusive bound is not Slack's (inclusive) min: it is checked on submit.
    const lr = field(view, 'lr');
    assert.equal(lr.element.is_decimal_allowed, true);
    assert.equal(lr.element.min_value, undefined);
    assert.equal(lr.element.max_value, '1');
    assert.equal(lr.element.initial_value, '0.001');

    const optimizer = field(view, 'optimizer');
    assert.equal(optimizer.element.type, 'static_select');
    assert.deepEqual(
      (optimizer.element.options as { value: string }[]).map((o) => o.value),
      ['adam', 'sgd', 'rmsprop'],
    );
    assert.equal((optimizer.element.initial_option as { value: string }).value, 'adam');

    const augment = field(view, 'augment');
    assert.equal(augment.element.type, 'checkboxes');
    assert.deepEqual(
      (augment.element.initial_options as { value: string }[]).map((o) => o.value),
      ['true'],
    );
    assert.equal(augment.optional, true, 'an unticked box is an answer');

    // A param without a default must be filled in.
    const dataset = field(view, 'dataset');
    assert.equal(dataset.element.type, 'plain_text_input');
    assert.equal(dataset.element.initial_value, undefined);
    assert.equal(dataset.optional, false);

    const blockIds = inputsOf(view).map((b) => b.block_id);
    assert.deepEqual(blockIds.slice(-3), ['option:gpu', 'option:cpu', 'option:memory']);
    assert.ok(!blockIds.includes(FORM_BLOCKS.channel), 'no channel select when the channel is known');
    assertSafeView(view);
  });

  it('reruns with changes: starts from the run values and options, and every field may stay empty', () => {
    const rerun = {
      id: 'r-abc123def4',
      number: 42,
      options: { gpu: '2', memory: '16Gi' },
      spec: { params: { epochs: 30, lr: 1e-7, optimizer: 'sgd', augment: false, dataset: 'cats' } },
    };
    const view = renderLaunchForm({ template: RESNET, channel: 'C9', rerun });
    assert.equal(view.title.text, 'Rerun #42');
    assert.equal(view.submit?.text, 'Rerun');
    assert.deepEqual(decodeFormContext(view.private_metadata), {
      template: 'resnet',
      channel: 'C9',
      rerunOf: 'r-abc123def4',
    });
    assert.equal(field(view, 'epochs').element.initial_value, '30');
    assert.equal(field(view, 'lr').element.initial_value, '0.0000001', 'plain decimals, not 1e-7');
    assert.equal((field(view, 'optimizer').element.initial_option as { value: string }).value, 'sgd');
    assert.equal(field(view, 'augment').element.initial_options, undefined);
    assert.equal(field(view, 'dataset').element.initial_value, 'cats');
    assert.equal(field(view, 'dataset').optional, true);
    assert.match(field(view, 'dataset').hint.text, /empty for the value of run #42/);
    const gpu = inputsOf(view).find((b) => b.block_id === 'option:gpu');
    assert.equal(gpu?.element?.initial_value, '2');
    const memory = inputsOf(view).find((b) => b.block_id === 'option:memory');
    assert.equal(memory?.element?.initial_value, '16Gi');
    assertSafeView(view);
  });

  it('leaves a value empty that the param no longer allows, and says what it was', () => {
    const rerun = { id: 'r-1', number: 7, spec: { params: { epochs: 5000, optimizer: 'adagrad' } } };
    const view = renderLaunchForm({ template: RESNET, channel: 'C1', rerun });
    assert.equal(field(view, 'epochs').element.initial_value, undefined);
    assert.match(field(view, 'epochs').hint.text, /It was 5000, which is not allowed now/);
    assert.equal(field(view, 'optimizer').element.initial_option, undefined);
    assertSafeView(view);
  });

  it('asks for a channel when opened outside one (the Home tab)', () => {
    const view = renderLaunchForm({ template: RESNET });
    assert.ok(inputsOf(view).some((b) => b.block_id === FORM_BLOCKS.channel));
    assert.deepEqual(decodeFormContext(view.private_metadata), { template: 'resnet' });
  });

  it('types an enum that a select cannot hold, and a string too long to show', () => {
    const many = param('label', 'enum', { values: Array.from({ length: 150 }, (_, i) => `class-${i}`) });
    const long = param('prompt', 'string', { default: 'x'.repeat(5000) });
    const view = renderLaunchForm({ template: makeTemplate('big', [many, long]), channel: 'C1' });
    assert.equal(field(view, 'label').element.type, 'plain_text_input');
    assert.equal(field(view, 'prompt').element.initial_value, undefined);
    assertSafeView(view);
  });

  it('fits a template of 50 params in one form; one of 150 within 100 blocks, naming the rest', () => {
    const params = (n: number) =>
      Array.from({ length: n }, (_, i) =>
        param(`p${i}`, (['int', 'float', 'bool', 'string', 'enum'] as const)[i % 5], {
          default: [7, 0.5, true, 'x', 'a'][i % 5],
          values: i % 5 === 4 ? ['a', 'b'] : undefined,
          help: 'h'.repeat(3000),
        }),
      );
    const fifty = renderLaunchForm({ template: makeTemplate('fifty', params(50), 'd'.repeat(5000)) });
    assert.equal(inputsOf(fifty).filter((b) => b.block_id?.startsWith('param:')).length, 50);
    assertSafeView(fifty);

    const huge = renderLaunchForm({ template: makeTemplate('huge', params(150)) });
    assertSafeView(huge);
    assert.equal(huge.blocks.length, 100);
    assert.match(
      JSON.stringify(huge.blocks),
      /\d+ more params do not fit in a form and keep their defaults: p\d+/,
    );
  });

  it('keeps the title within 24 characters for a long template name', () => {
    const view = renderLaunchForm({
      template: makeTemplate('a-very-long-template-name-indeed', []),
      channel: 'C1',
    });
    assert.ok(view.title.text.length <= 24);
    assertSafeView(view);
  });
});

describe('plainNumber', () => {
  it('writes any number in plain decimals, exactly', () => {
    assert.equal(plainNumber(0.001), '0.001');
    assert.equal(plainNumber(1e-7), '0.0000001');
    assert.equal(plainNumber(-2.5e-8), '-0.000000025');
    assert.equal(plainNumber(1.2345e21), '1234500000000000000000');
    assert.equal(plainNumber(42), '42');
    for (const n of [1e-7, 3.14159e-12, 6.02e23, -1.5e-300]) assert.equal(Number(plainNumber(n)), n);
  });
});

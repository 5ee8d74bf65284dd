import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACTIONS, VIEWS } from '../../../src/core/actions.ts';
import { decodeFormContext } from '../../../src/views/blocks/form-context.ts';
import { FORM_BLOCKS } from '../../../src/views/blocks/form-fields.ts';
import { renderNewRunForm } from '../../../src/views/blocks/new-run-form.ts';
import { assertSafeView } from '../../support/view-checks.ts';
import { inputsOf, makeTemplate, param, RESNET } from './view-fixtures.ts';

const DEMO = makeTemplate('demo', [param('epochs', 'int', { default: 3 })], 'A quick demo.');

interface SelectJson {
  type: string;
  action_id: string;
  options: { value: string; description?: { text: string } }[];
  initial_option?: { value: string };
}

describe('renderNewRunForm', () => {
  it('opens with a template select that sends block_actions as soon as one is chosen', () => {
    const view = renderNewRunForm({ templates: [DEMO, RESNET], channel: 'C1' });
    assert.equal(view.callback_id, VIEWS.launchForm);
    const [select] = view.blocks as unknown as {
      block_id: string;
      dispatch_action: boolean;
      element: SelectJson;
    }[];
    assert.equal(select.block_id, FORM_BLOCKS.template);
    assert.equal(select.dispatch_action, true);
    assert.equal(select.element.action_id, ACTIONS.pickTemplate);
    assert.deepEqual(
      select.element.options.map((o) => o.value),
      ['demo', 'resnet'],
    );
    assert.equal(select.element.options[0].description?.text, 'A quick demo.');
    assert.equal(select.element.initial_option, undefined);
    assert.equal(inputsOf(view).length, 1, 'no fields before a template is chosen');
    assert.deepEqual(decodeFormContext(view.private_metadata), { channel: 'C1' });
    assertSafeView(view);
  });

  it('becomes the chosen template’s form, the choice kept in the select and in the metadata', () => {
    const view = renderNewRunForm({ templates: [DEMO, RESNET], chosen: RESNET, channel: 'C1' });
    const select = (view.blocks[0] as unknown as { element: SelectJson }).element;
    assert.equal(select.initial_option?.value, 'resnet');
    assert.ok(inputsOf(view).some((b) => b.block_id === 'param:epochs'));
    assert.deepEqual(decodeFormContext(view.private_metadata), { template: 'resnet', channel: 'C1' });
    assert.equal(view.submit?.text, 'Launch');
    assertSafeView(view);
  });

  it('lists at most 100 templates and says how many more there are', () => {
    const templates = Array.from({ length: 130 }, (_, i) => makeTemplate(`t${i}`, [], 'd'.repeat(200)));
    const view = renderNewRunForm({ templates, chosen: templates[5] });
    const block = view.blocks[0] as unknown as { element: SelectJson; hint: { text: string } };
    assert.equal(block.element.options.length, 100);
    assert.match(block.hint.text, /30 more are not listed/);
    assertSafeView(view);
  });

  it('says so when there is no template to launch, with nothing to submit', () => {
    const view = renderNewRunForm({ templates: [] });
    assert.equal(view.submit, undefined);
    assert.match(JSON.stringify(view.blocks), /no templates you may launch/);
    assertSafeView(view);
  });
});

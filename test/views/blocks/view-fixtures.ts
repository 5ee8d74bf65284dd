import assert from 'node:assert/strict';
import type { types } from '@slack/bolt';
import type { ParamDef, Template } from '../../../src/core/template/template.ts';
import type { FormState, InputState } from '../../../src/views/blocks/read-form.ts';

/** A template with these params (and a description), as loadTemplates would give it. */
export function makeTemplate(name: string, params: ParamDef[], description?: string): Template {
  return {
    name,
    file: `/t/${name}.yaml`,
    dir: `/t/${name}`,
    ...(description === undefined ? {} : { description }),
    params,
    raw: { command: ['python', 'train.py'], args: [], env: {}, resources: {}, job: {} },
  };
}

/** A param of the given type; override what a test is about. */
export function param(name: string, type: ParamDef['type'], extra: Partial<ParamDef> = {}): ParamDef {
  return { name, type, required: false, ...extra };
}

/** The resnet template of the README: one param of every type. */
export const RESNET = makeTemplate(
  'resnet',
  [
    param('epochs', 'int', { default: 10, min: 1, max: 1000, help: 'passes over the data' }),
    param('lr', 'float', { default: 0.001, min: 0, max: 1, exclusiveMin: true }),
    param('optimizer', 'enum', { default: 'adam', values: ['adam', 'sgd', 'rmsprop'] }),
    param('augment', 'bool', { default: true }),
    param('dataset', 'string', { required: true, pattern: '[a-z0-9-]+' }),
  ],
  'Trains a ResNet on an image folder.',
);

interface InputJson {
  type: string;
  block_id?: string;
  element?: {
    type: string;
    action_id: string;
    initial_value?: string;
    initial_option?: { value: string };
    initial_options?: { value: string }[];
  };
}

/** The input blocks of a view, in order. */
export function inputsOf(view: types.View): InputJson[] {
  return (view.blocks as unknown as InputJson[]).filter((b) => b.type === 'input');
}

/**
 * `view.state.values` as Slack sends it with a view_submission when the person changed nothing but
 * `changes` (block_id → typed text, chosen option value, or a checkbox's ticked state).
 */
export function submittedState(
  view: types.View,
  changes: Record<string, string | boolean | null> = {},
): FormState {
  const state: FormState = {};
  for (const block of inputsOf(view)) {
    const element = block.element;
    if (!block.block_id || !element) continue;
    const changed = Object.hasOwn(changes, block.block_id);
    const change = changes[block.block_id];
    let input: InputState;
    switch (element.type) {
      case 'static_select': {
        const value = changed ? change : element.initial_option?.value;
        input = { type: element.type, selected_option: typeof value === 'string' ? { value } : null };
        break;
      }
      case 'checkboxes': {
        const ticked = changed ? change === true : (element.initial_options?.length ?? 0) > 0;
        input = { type: element.type, selected_options: ticked ? [{ value: 'true' }] : [] };
        break;
      }
      case 'conversations_select':
        input = { type: element.type, selected_conversation: typeof change === 'string' ? change : null };
        break;
      default: {
        const value = changed ? change : element.initial_value;
        input = { type: element.type, value: typeof value === 'string' ? value : null };
      }
    }
    state[block.block_id] = { [element.action_id]: input };
  }
  return state;
}

interface AnyJson {
  [key: string]: unknown;
}

/** Every object in a view's JSON, depth first. */
function objectsOf(value: unknown): AnyJson[] {
  if (!value || typeof value !== 'object') return [];
  const own = Array.isArray(value) ? [] : [value as AnyJson];
  return [...own, ...Object.values(value).flatMap(objectsOf)];
}

/** Every mrkdwn text of a view: the texts Slack reads mentions and links in. */
export function mrkdwnTexts(view: unknown): string[] {
  return objectsOf(view)
    .filter((o) => o.type === 'mrkdwn' && typeof o.text === 'string')
    .map((o) => o.text as string);
}

/** Fails unless a modal or Home view respects every limit Slack enforces on views. */
export function assertViewWithinLimits(view: types.View): void {
  assert.ok(view.blocks.length <= 100, `at most 100 blocks, got ${view.blocks.length}`);
  if (view.type === 'modal') {
    assert.ok(view.title.text.length <= 24, `title ≤ 24: ${view.title.text}`);
    assert.ok((view.submit?.text.length ?? 0) <= 24 && (view.close?.text.length ?? 0) <= 24, 'buttons ≤ 24');
    if (inputsOf(view).length > 0) assert.ok(view.submit, 'a view with inputs has a submit button');
  }
  assert.ok((view.private_metadata ?? '').length <= 3000, 'private_metadata ≤ 3000');
  assert.ok((view.callback_id ?? '').length <= 255, 'callback_id ≤ 255');
  const blockIds = new Set<string>();
  for (const block of view.blocks as unknown as AnyJson[]) {
    const id = block.block_id as string | undefined;
    if (id !== undefined) {
      assert.ok(id.length <= 255, 'block_id ≤ 255');
      assert.ok(!blockIds.has(id), `block_id ${id} is unique`);
      blockIds.add(id);
    }
    if (block.type === 'header')
      assert.ok(((block.text as AnyJson).text as string).length <= 150, 'header ≤ 150');
    if (block.type === 'section' && block.text) {
      assert.ok(((block.text as AnyJson).text as string).length <= 3000, 'section text ≤ 3000');
    }
    if (block.type === 'context')
      assert.ok((block.elements as unknown[]).length <= 10, 'context ≤ 10 elements');
    if (block.type === 'input') {
      assert.ok(((block.label as AnyJson).text as string).length <= 2000, 'label ≤ 2000');
      if (block.hint) assert.ok(((block.hint as AnyJson).text as string).length <= 2000, 'hint ≤ 2000');
    }
  }
  for (const o of objectsOf(view.blocks)) {
    if (typeof o.action_id === 'string') assert.ok(o.action_id.length <= 255, 'action_id ≤ 255');
    if (o.type === 'button') {
      assert.ok(((o.text as AnyJson).text as string).length <= 75, 'button text ≤ 75');
      assert.ok(((o.value as string) ?? '').length <= 2000, 'button value ≤ 2000');
    }
    if (o.placeholder)
      assert.ok(((o.placeholder as AnyJson).text as string).length <= 150, 'placeholder ≤ 150');
    if (Array.isArray(o.options)) {
      assert.ok(o.options.length <= (o.type === 'checkboxes' ? 10 : 100), 'option count');
      for (const option of o.options as AnyJson[]) {
        assert.ok(((option.text as AnyJson).text as string).length <= 75, 'option text ≤ 75');
        assert.ok((option.value as string).length <= 150, 'option value ≤ 150');
      }
    }
    if (typeof o.initial_value === 'string' && typeof o.max_length === 'number') {
      assert.ok(o.initial_value.length <= o.max_length, 'initial value within max_length');
    }
    if (o.type === 'number_input' && typeof o.initial_value === 'string') {
      assert.match(o.initial_value, /^-?\d+(\.\d+)?$/, 'a number input starts with plain decimals');
      const n = Number(o.initial_value);
      if (typeof o.min_value === 'string') assert.ok(n >= Number(o.min_value), 'initial value ≥ min');
      if (typeof o.max_value === 'string') assert.ok(n <= Number(o.max_value), 'initial value ≤ max');
    }
    if (o.type === 'mrkdwn' || o.type === 'plain_text') {
      assert.ok((o.text as string).length <= 3000, 'text ≤ 3000');
    }
  }
}

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

import type { types } from '@slack/bolt';
import { ACTIONS } from '../../core/actions.ts';
import type { ParamValue } from '../../core/run/run.ts';
import { describeAllowed, fitsParam } from '../../core/template/param-value.ts';
import type { ParamDef, Template } from '../../core/template/template.ts';
import { plainText, VIEW_LIMITS } from './block-kit.ts';

/**
 * The inputs of Trainyard's forms and their ids. A block_id names what its input is for
 * (`param:epochs`, `option:gpu`), so it is stable, a submission's errors can point at it, and
 * read-form.ts reads the values back by it.
 */
export const FORM_BLOCKS = {
  /** `/train new`: the template select. */
  template: 'launch:template',
  /** The channel select of a form opened outside a channel (the Home tab). */
  channel: 'launch:channel',
} as const;

/** `--option`s a launch takes (see planLaunch), in the order the form shows them. */
export const LAUNCH_OPTIONS = ['gpu', 'cpu', 'memory'] as const;
export type LaunchOption = (typeof LAUNCH_OPTIONS)[number];

const PARAM_PREFIX = 'param:';
const OPTION_PREFIX = 'option:';

export const paramBlockId = (name: string): string => `${PARAM_PREFIX}${name}`.slice(0, VIEW_LIMITS.blockId);
export const optionBlockId = (name: LaunchOption): string => `${OPTION_PREFIX}${name}`;

/** The param name of a block id, or undefined when the block is not a param's. */
export function paramOfBlock(blockId: string): string | undefined {
  return blockId.startsWith(PARAM_PREFIX) ? blockId.slice(PARAM_PREFIX.length) : undefined;
}

/** The launch option of a block id, or undefined when the block is not an option's. */
export function optionOfBlock(blockId: string): LaunchOption | undefined {
  const name = blockId.startsWith(OPTION_PREFIX) ? blockId.slice(OPTION_PREFIX.length) : '';
  return LAUNCH_OPTIONS.find((o) => o === name);
}

/**
 * An input's action_id names its template and kind. Slack keeps what was typed in an input across
 * views.update when block_id and action_id stay the same: when `/train new` switches templates,
 * the fields start from the new template's values instead of keeping the previous template's
 * (or, for another type, a value the new input cannot hold).
 */
const actionId = (template: string, kind: string): string =>
  `${kind}:${template}`.slice(0, VIEW_LIMITS.actionId);

/** The value of a bool param's checkbox: ticked means true. */
export const BOOL_TRUE = 'true';

export interface ParamInputOptions {
  template: string;
  /** The value to start from (the run's for a rerun, else the template default). */
  value?: ParamValue;
  /** May be left empty: the param has a default, or a rerun keeps the run's value. */
  optional: boolean;
  /** What an empty field means, for the hint: `the default`, `the value of run #42`. */
  emptyMeans: string;
}

/**
 * One typed input for a param: a number input with the param's bounds for int and float, a select
 * for an enum, a checkbox for a bool, a text input for a string. Only a value that fits the param
 * starts in the field (Slack refuses a view whose number input starts outside its bounds); the
 * hint says what is allowed and what an empty field means.
 */
export function paramInput(def: ParamDef, options: ParamInputOptions): types.InputBlock {
  const start = options.value !== undefined && fitsParam(def, options.value) ? options.value : undefined;
  const hints = [def.help, `${def.name} is ${describeAllowed(def)}.`];
  if (options.value !== undefined && start === undefined) {
    hints.push(`It was ${String(options.value)}, which is not allowed now.`);
  }
  if (options.optional && def.type !== 'bool') hints.push(`Leave it empty for ${options.emptyMeans}.`);
  return {
    type: 'input',
    block_id: paramBlockId(def.name),
    label: plainText(def.name, VIEW_LIMITS.label),
    hint: plainText(hints.filter(Boolean).join(' '), VIEW_LIMITS.hint),
    // An unticked checkbox is an answer (false), so a bool never needs ticking.
    optional: options.optional || def.type === 'bool',
    element: paramElement(def, options.template, start),
  };
}

function paramElement(
  def: ParamDef,
  template: string,
  value: ParamValue | undefined,
): types.InputBlockElement {
  switch (def.type) {
    case 'int':
    case 'float':
      return numberInput(actionId(template, def.type), def, value);
    case 'bool':
      return {
        type: 'checkboxes',
        action_id: actionId(template, 'bool'),
        options: [checkboxOption()],
        ...(value === true ? { initial_options: [checkboxOption()] } : {}),
      };
    case 'enum': {
      const values = def.values ?? [];
      // Too many values, or values too long to be an option's: typed, and checked on submit.
      if (!selectable(values)) return textInput(actionId(template, 'enum-text'), value);
      const options = values.map((v) => option(v, v));
      const initial = options.find((o) => o.value === value);
      return {
        type: 'static_select',
        action_id: actionId(template, 'enum'),
        placeholder: plainText(`Choose ${def.name}`, VIEW_LIMITS.placeholder),
        options,
        ...(initial ? { initial_option: initial } : {}),
      };
    }
    case 'string':
      return textInput(actionId(template, 'string'), value);
  }
}

function numberInput(id: string, def: ParamDef, value: ParamValue | undefined): types.NumberInput {
  const element: types.NumberInput = {
    type: 'number_input',
    action_id: id,
    is_decimal_allowed: def.type === 'float',
  };
  // Slack's bounds are inclusive: an exclusive bound is left to the check on submit.
  if (def.min !== undefined && !def.exclusiveMin) element.min_value = plainNumber(def.min);
  if (def.max !== undefined && !def.exclusiveMax) element.max_value = plainNumber(def.max);
  if (typeof value === 'number') element.initial_value = plainNumber(value);
  return element;
}

function textInput(id: string, value: ParamValue | undefined, maxLength: number = VIEW_LIMITS.textInput) {
  const text = value === undefined ? undefined : String(value);
  const input: types.PlainTextInput = { type: 'plain_text_input', action_id: id, max_length: maxLength };
  // A value too long for the field is not cut (that would change it): the field starts empty,
  // which keeps the value (see the hint).
  if (text !== undefined && text.length <= maxLength) input.initial_value = text;
  return input;
}

const checkboxOption = (): types.PlainTextOption => option('Yes', BOOL_TRUE);

function option(text: string, value: string, description?: string): types.PlainTextOption {
  return {
    text: plainText(text, VIEW_LIMITS.optionText),
    value,
    ...(description ? { description: plainText(description, VIEW_LIMITS.optionDescription) } : {}),
  };
}

/** Values a static select can offer: at most 100, each short enough to be an option's value. */
function selectable(values: readonly string[]): boolean {
  return (
    values.length > 0 &&
    values.length <= VIEW_LIMITS.selectOptions &&
    values.every((v) => v.length > 0 && v.length <= VIEW_LIMITS.optionValue)
  );
}

const OPTION_LABELS: Record<LaunchOption, string> = { gpu: 'GPUs', cpu: 'CPU', memory: 'Memory' };

/** The launch options: GPUs as a whole number, CPU and memory as Kubernetes quantities. */
export function optionInputs(
  template: string,
  values: Partial<Record<LaunchOption, string>>,
): types.InputBlock[] {
  return LAUNCH_OPTIONS.map((name) => {
    let element: types.InputBlockElement;
    if (name === 'gpu') {
      element = numberInput(
        actionId(template, name),
        { name, type: 'int', required: false, min: 0, max: 64 },
        undefined,
      );
      if (values.gpu !== undefined && /^[0-9]+$/.test(values.gpu)) element.initial_value = values.gpu;
    } else {
      element = textInput(actionId(template, name), values[name], 32);
      element.placeholder = plainText(
        name === 'cpu' ? 'e.g. 2 or 500m' : 'e.g. 8Gi',
        VIEW_LIMITS.placeholder,
      );
    }
    return {
      type: 'input',
      block_id: optionBlockId(name),
      label: plainText(OPTION_LABELS[name], VIEW_LIMITS.label),
      hint: plainText('Leave it empty for what the template asks for.', VIEW_LIMITS.hint),
      optional: true,
      element,
    };
  });
}

/** Where a form opened outside a channel posts the run. */
export function channelInput(): types.InputBlock {
  return {
    type: 'input',
    block_id: FORM_BLOCKS.channel,
    label: plainText('Post the run in', VIEW_LIMITS.label),
    hint: plainText('Its card, updates and completion notice go to this channel.', VIEW_LIMITS.hint),
    element: {
      type: 'conversations_select',
      action_id: 'channel',
      filter: { include: ['public', 'private'], exclude_bot_users: true },
    },
  };
}

/** The template select of `/train new`: choosing a template sends a block_actions (ACTIONS.pickTemplate) at once. */
export function templateSelect(templates: readonly Template[], chosen?: string): types.InputBlock {
  const shown = templates.slice(0, VIEW_LIMITS.selectOptions);
  const options = shown.map((t) => option(t.name, t.name.slice(0, VIEW_LIMITS.optionValue), t.description));
  const initial = options.find((o) => o.value === chosen);
  const more = templates.length - shown.length;
  const block: types.InputBlock = {
    type: 'input',
    block_id: FORM_BLOCKS.template,
    dispatch_action: true,
    label: plainText('Template', VIEW_LIMITS.label),
    element: {
      type: 'static_select',
      action_id: ACTIONS.pickTemplate,
      placeholder: plainText('Choose a template', VIEW_LIMITS.placeholder),
      options,
      ...(initial ? { initial_option: initial } : {}),
    },
  };
  if (more > 0) {
    block.hint = plainText(
      `${more} more are not listed; /train <template> launches any of them.`,
      VIEW_LIMITS.hint,
    );
  }
  return block;
}

/**
 * A number as plain decimals (`0.0000001`, never `1e-7`): what Slack's number input shows and
 * accepts. Exact: the digits are the shortest ones that read back as the same number.
 */
export function plainNumber(n: number): string {
  const text = String(n);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!m) return text;
  const [, sign, whole, fraction = '', exponent] = m;
  const digits = whole + fraction;
  const exp = Number(exponent);
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  return sign + digits.padEnd(exp + 1, '0');
}

import type { RawOptions, RawParams } from '../../core/command/command.ts';
import { PARAM_NAME } from '../../core/template/template-schema.ts';
import { BOOL_TRUE, FORM_BLOCKS, optionOfBlock, paramOfBlock } from './form-fields.ts';

/** One input's state in a view_submission (`view.state.values[block_id][action_id]`), as far as forms use it. */
export interface InputState {
  type: string;
  value?: string | null;
  selected_option?: { value: string } | null;
  selected_options?: { value: string }[] | null;
  selected_conversation?: string | null;
}

/** `view.state.values` of a view_submission: block_id → action_id → state. */
export type FormState = Record<string, Record<string, InputState>>;

/** What a submitted form asks for, as a typed command would: raw strings, checked by the caller. */
export interface FormSubmission {
  /** `name=value` per param field that was filled; an empty field is left out (see the form's hints). */
  params: RawParams;
  /** `--gpu`, `--cpu`, `--memory` when filled. */
  options: RawOptions;
  /** The channel chosen in the form, when it asked for one. */
  channel?: string;
  /**
   * The template selected in `/train new`. The form's fields belong to the template in its
   * private_metadata, which is what to launch; this one differs only when a submit raced the
   * views.update that follows a new choice.
   */
  pickedTemplate?: string;
}

/**
 * Reads a view_submission's state back into params and options, the same raw strings a typed
 * `/train` command gives, so the same checks (resolveParams, planLaunch, the policy) apply to
 * both. A bool's checkbox always gives `true` or `false`. Blocks that are not Trainyard's fields,
 * and param names no template can have, are ignored (the state comes from the request).
 */
export function readFormSubmission(state: FormState): FormSubmission {
  const params: RawParams = {};
  const options: RawOptions = {};
  const submission: FormSubmission = { params, options };
  for (const [blockId, inputs] of Object.entries(state ?? {})) {
    const input = inputs && Object.values(inputs)[0];
    if (!input || typeof input !== 'object') continue;
    const param = paramOfBlock(blockId);
    const option = optionOfBlock(blockId);
    if (param !== undefined && PARAM_NAME.test(param)) {
      const value = input.type === 'checkboxes' ? checkboxValue(input) : inputValue(input);
      if (value !== undefined) params[param] = value;
    } else if (option !== undefined) {
      const value = inputValue(input)?.trim();
      if (value) options[option] = value;
    } else if (blockId === FORM_BLOCKS.channel) {
      if (typeof input.selected_conversation === 'string') submission.channel = input.selected_conversation;
    } else if (blockId === FORM_BLOCKS.template) {
      const picked = input.selected_option?.value;
      if (typeof picked === 'string') submission.pickedTemplate = picked;
    }
  }
  return submission;
}

function checkboxValue(input: InputState): string {
  const ticked =
    Array.isArray(input.selected_options) && input.selected_options.some((o) => o?.value === BOOL_TRUE);
  return ticked ? 'true' : 'false';
}

/** A text or number input's value, or a select's chosen value; undefined when empty. */
function inputValue(input: InputState): string | undefined {
  const value = input.selected_option ? input.selected_option.value : input.value;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

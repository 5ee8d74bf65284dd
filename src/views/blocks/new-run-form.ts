import type { types } from '@slack/bolt';
import { VIEWS } from '../../core/actions.ts';
import type { Template } from '../../core/template/template.ts';
import { type Block, plainText, section, VIEW_LIMITS } from './block-kit.ts';
import { encodeFormContext } from './form-context.ts';
import { templateSelect } from './form-fields.ts';
import { launchFormBlocks } from './launch-form.ts';
import { code, md } from './mrkdwn.ts';

export interface NewRunFormInput {
  /** The templates the person may launch, in the order to list them. */
  templates: readonly Template[];
  /** The template chosen so far (from the select's block_actions); none when the form opens. */
  chosen?: Template;
  /** The channel `/train new` was typed in; without one the form asks for it. */
  channel?: string;
}

/**
 * The `/train new` modal. It opens with a template select; choosing a template sends a
 * block_actions (ACTIONS.pickTemplate, the template name as the selected option's value), which
 * the handler answers with views.update to this same form with `chosen` set: the select, then
 * that template's param form. Submitting launches it (callback VIEWS.launchForm, like any form).
 */
export function renderNewRunForm(input: NewRunFormInput): types.ModalView {
  const { templates, chosen, channel } = input;
  const view: types.ModalView = {
    type: 'modal',
    callback_id: VIEWS.launchForm,
    title: plainText('New run', VIEW_LIMITS.modalTitle),
    close: plainText('Cancel', VIEW_LIMITS.modalButton),
    private_metadata: encodeFormContext({ template: chosen?.name, channel }),
    blocks: [],
  };
  if (templates.length === 0) {
    view.blocks = [
      section(md`There are no templates you may launch yet; ${code('/train templates')} lists them.`),
    ];
    return view;
  }
  const blocks: Block[] = [templateSelect(templates, chosen?.name)];
  if (chosen) blocks.push(...launchFormBlocks({ template: chosen, channel }, blocks.length));
  // Before a template is chosen, submitting asks for one (the select is required).
  view.submit = plainText('Launch', VIEW_LIMITS.modalButton);
  view.blocks = blocks;
  return view;
}

import type { types } from '@slack/bolt';
import { VIEWS } from '../../core/actions.ts';
import { plural } from '../../core/plural.ts';
import type { Run } from '../../core/run/run.ts';
import type { Template } from '../../core/template/template.ts';
import { type Block, context, plainText, section, VIEW_LIMITS } from './block-kit.ts';
import { encodeFormContext } from './form-context.ts';
import { channelInput, optionInputs, paramInput } from './form-fields.ts';
import { bold, code, inline, md, plain } from './mrkdwn.ts';

/** The run a form reruns with changes: its values start the fields. */
export type RerunSource = Pick<Run, 'id' | 'number' | 'options'> & { spec: Pick<Run['spec'], 'params'> };

export interface LaunchFormInput {
  template: Template;
  /** The channel the run goes to; without one (the Home tab) the form asks for it. */
  channel?: string;
  /** Rerun with changes of this run; otherwise a new launch starting from the template's defaults. */
  rerun?: RerunSource;
}

/**
 * The param form of a template as a modal (views.open with a button's trigger_id): one typed
 * input per param, pre-filled, then the launch options (GPUs, CPU, memory), and a channel select
 * when it was opened outside a channel. Its private_metadata (see form-context.ts) says what to
 * launch on submit; read-form.ts reads the submitted values back.
 */
export function renderLaunchForm(input: LaunchFormInput): types.ModalView {
  const { template, channel, rerun } = input;
  const title = rerun ? `Rerun #${rerun.number}` : `Launch ${template.name}`;
  return {
    type: 'modal',
    callback_id: VIEWS.launchForm,
    title: plainText(title, VIEW_LIMITS.modalTitle),
    submit: plainText(rerun ? 'Rerun' : 'Launch', VIEW_LIMITS.modalButton),
    close: plainText('Cancel', VIEW_LIMITS.modalButton),
    private_metadata: encodeFormContext({ template: template.name, channel, rerunOf: rerun?.id }),
    blocks: launchFormBlocks(input, 0),
  };
}

/**
 * The blocks of a template's form, fitting within the 100 blocks of a view together with
 * `reserved` blocks the caller puts before them (the `/train new` template select).
 */
export function launchFormBlocks(input: LaunchFormInput, reserved: number): Block[] {
  const { template, rerun } = input;
  const head: Block[] = [];
  const about = template.description?.trim();
  if (about) head.push(section(md`${bold(inline(template.name, 200))}: ${plain(about, 2500)}`));
  if (rerun) {
    head.push(
      context(md`Starts from the values of run #${rerun.number}; a field left empty keeps its value.`),
    );
  }
  const tail: Block[] = [{ type: 'divider' }, ...optionInputs(template.name, rerun?.options ?? {})];
  if (input.channel === undefined) tail.push(channelInput());

  // One block stays free for the line saying which params did not fit.
  const room = VIEW_LIMITS.blocks - reserved - head.length - tail.length;
  const fits = template.params.length <= room ? template.params : template.params.slice(0, room - 1);
  const params: Block[] = fits.map((def) => {
    const value = rerun ? rerun.spec.params[def.name] : def.default;
    const fallback = def.default === undefined ? 'the default' : `the default, ${String(def.default)}`;
    return paramInput(def, {
      template: template.name,
      value,
      optional: rerun !== undefined || def.default !== undefined,
      emptyMeans: rerun ? `the value of run #${rerun.number}` : fallback,
    });
  });
  const left = template.params.slice(fits.length).map((p) => p.name);
  if (left.length > 0) {
    const keep = rerun ? `keep the values of run #${rerun.number}` : 'keep their defaults';
    const more = plural(left.length, 'more param does', 'more params do');
    const command = code(`/train ${template.name} name=value`, 300);
    params.push(
      context(
        md`${more} not fit in a form and ${keep}: ${plain(left.join(', '), 2000)}. Type ${command} to set them.`,
      ),
    );
  }
  return [...head, ...params, ...tail];
}

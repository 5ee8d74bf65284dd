import type { RawParams } from '../../core/command/command.ts';
import { describeAllowed } from '../../core/template/param-value.ts';
import { resolveParams } from '../../core/template/resolve-params.ts';
import type { Template } from '../../core/template/template.ts';
import { truncate } from '../format.ts';
import { FORM_BLOCKS, LAUNCH_OPTIONS, optionBlockId, paramBlockId } from './form-fields.ts';

/** Problems of a submitted form: block_id → one sentence shown under that field. */
export type FieldErrors = Record<string, string>;

/** The view_submission answer that shows errors on their fields and keeps the form open. */
export interface ViewErrorsResponse {
  response_action: 'errors';
  errors: Record<string, string>;
}

/** Slack shows a field's error in a line or two under it. */
const MAX_ERROR = 300;

/** The key of an error about the form as a whole; formErrorResponse shows it on the form's first field. */
export const FORM_STALE = '*';

/**
 * Checks every param of a submitted form on its own, with the same checks a typed command gets
 * (resolveParams: type, bounds, pattern, enum values, with "did you mean"), so each wrong value is
 * shown on its own field, all at once. A param left empty is fine when it has a default or, in a
 * rerun, keeps the run's value; else it needs one. A param the template does not have means the
 * form no longer matches the template (it changed while the form was open).
 */
export function checkFormParams(
  template: Template,
  params: RawParams,
  options: { rerun?: boolean } = {},
): FieldErrors {
  const errors: FieldErrors = {};
  for (const def of template.params) {
    const given = Object.hasOwn(params, def.name);
    if (!given) {
      if (def.default === undefined && !options.rerun) {
        errors[paramBlockId(def.name)] = `${def.name} needs a value: ${describeAllowed(def)}.`;
      }
      continue;
    }
    const checked = resolveParams({ ...template, params: [def] }, { [def.name]: params[def.name] });
    if (!checked.ok) errors[paramBlockId(def.name)] = checked.error;
  }
  const unknown = Object.keys(params).filter((name) => !template.params.some((p) => p.name === name));
  if (unknown.length > 0) {
    errors[FORM_STALE] =
      `${template.name} has changed since this form was opened (it has no param ${unknown.join(', ')}); close the form and open it again.`;
  }
  return errors;
}

/**
 * The field an error sentence from the launch checks belongs to (planLaunch, the policy): an
 * option's (`--gpu must be …`, the GPU cap), a param's (`epochs must be …`, `… needs epochs (…)`), or
 * undefined for the form as a whole.
 */
export function fieldOfError(error: string, template: Template): string | undefined {
  const option = LAUNCH_OPTIONS.find((o) => error.startsWith(`--${o} `));
  if (option) return optionBlockId(option);
  // Longest names first, so `lr` does not claim an error about `lr_decay`.
  const names = template.params.map((p) => p.name).sort((a, b) => b.length - a.length);
  const param = names.find(
    (name) =>
      error.startsWith(`${name} must be `) ||
      error.includes(` needs ${name} (`) ||
      error.includes(`param "${name}"`),
  );
  if (param !== undefined) return paramBlockId(param);
  // The policy's GPU cap (`This run asks for 8 GPUs but the limit is 4 per run; …`): the GPUs field sets the count.
  return /\bGPUs?\b/.test(error) ? optionBlockId('gpu') : undefined;
}

/**
 * The `response_action: errors` answer for these errors. Slack only shows errors keyed by a
 * block of the submitted view (a key it does not know fails the whole answer), so an error for a
 * block the view lacks (the form as a whole, or a param added to the template since) goes on the
 * view's first input instead, joined with any error already there. `blockIds` are the submitted
 * view's input blocks in order (`Object.keys(view.state.values)`).
 */
export function formErrorResponse(errors: FieldErrors, blockIds: readonly string[]): ViewErrorsResponse {
  const out: Record<string, string> = {};
  const home = blockIds[0] ?? FORM_BLOCKS.template;
  for (const [blockId, message] of Object.entries(errors)) {
    const target = blockIds.includes(blockId) ? blockId : home;
    out[target] = out[target] ? `${out[target]} ${message}` : message;
  }
  for (const key of Object.keys(out)) out[key] = truncate(out[key], MAX_ERROR);
  return { response_action: 'errors', errors: out };
}

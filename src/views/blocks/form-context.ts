import { VIEW_LIMITS } from './block-kit.ts';

/**
 * What a form needs to act on its submission, carried in the view's `private_metadata` (Slack
 * hands it back with the view_submission and block_actions of the view).
 */
export interface FormContext {
  /** The template whose fields the form shows; absent while `/train new` waits for a choice. */
  template?: string;
  /** Where the run's card goes; absent when opened from the Home tab (the form then asks for one). */
  channel?: string;
  /** The run id this form reruns with changes. */
  rerunOf?: string;
}

const VERSION = 1;
/**
 * Each field is cut to this length: JSON may write a character as six (`\u0001`), and three
 * fields of 150 such characters plus the keys stay under the 3000 characters Slack allows.
 * Real values (template names, channel ids, run ids) are far shorter.
 */
const MAX_FIELD = 150;
const FIELDS = ['template', 'channel', 'rerunOf'] as const;

export function encodeFormContext(context: FormContext): string {
  const out: Record<string, string | number> = { v: VERSION };
  for (const key of FIELDS) {
    const value = context[key];
    if (value !== undefined) out[key] = value.slice(0, MAX_FIELD);
  }
  const text = JSON.stringify(out);
  // Cannot happen with the cut above; kept so the limit holds even if fields are added carelessly.
  return text.length <= VIEW_LIMITS.privateMetadata ? text : JSON.stringify({ v: VERSION });
}

/**
 * The context of a submitted view; undefined when the metadata is not one Trainyard wrote (a view
 * of an older version, or a forged request), which the caller answers with an error on the form.
 */
export function decodeFormContext(metadata: string | undefined): FormContext | undefined {
  if (!metadata) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(metadata);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const fields = parsed as Record<string, unknown>;
  if (fields.v !== VERSION) return undefined;
  const context: FormContext = {};
  for (const key of FIELDS) {
    const value = fields[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value === '') return undefined;
    context[key] = value;
  }
  return context;
}

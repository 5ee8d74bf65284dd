import type { RawOptions, RawParams } from '../core/command/command.ts';
import type { Run } from '../core/run/run.ts';
import type { Template } from '../core/template/template.ts';

/**
 * A form to show someone (Slack: a modal): a template's launch form, for a new launch or a rerun
 * with changes of `rerun` (its values fill the fields), or the `/train new` picker, which lists
 * `templates` and, once one is `chosen`, its launch form below. Without a `channel` the form asks
 * where the run goes (opened from the Home tab).
 */
export type FormView =
  | { kind: 'launch'; template: Template; channel?: string; rerun?: Run }
  | { kind: 'new'; templates: Template[]; chosen?: Template; channel?: string };

/** What Trainyard wrote into a form when it opened it, handed back with its submission. */
export interface FormContext {
  template?: string;
  channel?: string;
  /** The id of the run a rerun-with-changes form reruns. */
  rerunOf?: string;
}

/** A submitted form as the chat read it: raw strings, as a typed command gives them. */
export interface FormSubmit {
  /**
   * Identifies the open form (Slack's view id): a submission delivered twice, or sent again after
   * a slow answer, launches once.
   */
  formId: string;
  /** Undefined when the form carried nothing Trainyard wrote (a forged or outdated form). */
  context?: FormContext;
  /** `name=value` per filled param field; an empty field is left out. */
  params: RawParams;
  /** `--gpu`, `--cpu`, `--memory` when filled. */
  options: RawOptions;
  /** The channel chosen in a form that asked for one. */
  channel?: string;
  /** The template selected in `/train new`'s picker, as submitted. */
  pickedTemplate?: string;
}

/**
 * The verdict on a submitted form: launched (the form closes), or one sentence per field that is
 * wrong, keyed by the field's id (`param:epochs`, `option:gpu`, `launch:channel`); the key `*` is
 * about the form as a whole. Nothing launches until every field is right.
 */
export type FormVerdict = { ok: true; run?: Run } | { ok: false; errors: Record<string, string> };

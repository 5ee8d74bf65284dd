import type { ParamValue } from '../run/run.ts';

/**
 * `{{…}}` references inside a step's param values:
 * - `{{name}}`: a param of the pipeline;
 * - `{{steps.<step>.outputs.<name>}}`: an output of a step that ran once;
 * - `{{steps.<step>.best.outputs.<name>}}`: the output of the best run of a fanned-out step
 *   (by its objective);
 * - `{{steps.<step>.all.outputs.<name>}}`: that output of every run of a fanned-out step, as a
 *   JSON list of texts in matrix order.
 * Substitution is one pass over the text as written, so a value that itself holds `{{…}}` (an
 * output is arbitrary job text) stays literal and is never read as a reference.
 */

export type OutputPick = 'one' | 'best' | 'all';

export type Reference =
  | { kind: 'param'; name: string }
  | { kind: 'output'; step: string; pick: OutputPick; output: string };

export interface ReferenceUse {
  /** The text between the braces, trimmed, as written. */
  text: string;
  /** Undefined when the text is no reference of any form above. */
  ref?: Reference;
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const PARAM = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Reads the text between the braces; undefined when it is no reference. */
export function parseReference(text: string): Reference | undefined {
  if (PARAM.test(text)) return { kind: 'param', name: text };
  const parts = text.split('.');
  if (parts[0] !== 'steps' || parts.some((p) => p === '')) return undefined;
  if (parts.length === 4 && parts[2] === 'outputs')
    return { kind: 'output', step: parts[1], pick: 'one', output: parts[3] };
  if (parts.length === 5 && (parts[2] === 'best' || parts[2] === 'all') && parts[3] === 'outputs')
    return { kind: 'output', step: parts[1], pick: parts[2], output: parts[4] };
  return undefined;
}

/** Every `{{…}}` in a value (only text can hold them), in order. */
export function findReferences(value: ParamValue): ReferenceUse[] {
  if (typeof value !== 'string') return [];
  return [...value.matchAll(PLACEHOLDER)].map((m) => {
    const ref = parseReference(m[1]);
    return ref ? { text: m[1], ref } : { text: m[1] };
  });
}

/** The reference written back as text, e.g. `steps.train.best.outputs.loss`. */
export function referenceText(ref: Reference): string {
  if (ref.kind === 'param') return ref.name;
  const pick = ref.pick === 'one' ? '' : `${ref.pick}.`;
  return `steps.${ref.step}.${pick}outputs.${ref.output}`;
}

/**
 * The value as the text a step's param receives: literals as `String(value)`, references
 * replaced by `textOf` in one pass (a malformed `{{…}}` was refused when the pipeline loaded).
 */
export function substituteReferences(value: ParamValue, textOf: (ref: Reference) => string): string {
  if (typeof value !== 'string') return String(value);
  return value.replace(PLACEHOLDER, (whole, text: string) => {
    const ref = parseReference(text);
    return ref ? textOf(ref) : whole;
  });
}

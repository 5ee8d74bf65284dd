import { didYouMean } from '../command/suggest.ts';
import type { Params, ParamValue } from '../run/run.ts';
import { coerceParamValue, describeAllowed, fitsParam } from '../template/param-value.ts';
import type { ParamDef } from '../template/template.ts';
import { findReferences, substituteReferences } from './references.ts';

/**
 * Step param values that are known before any step runs: literals, and text made only of
 * pipeline params once the launch params are known. A step receives every value as text (as if
 * typed as name=value), so a value is checked the way a typed one is: coerced by the step
 * template's param type, then held against its bounds.
 */

/** The value as text when it needs no step output; undefined when it does (or params are not known yet). */
export function knownText(value: ParamValue, launchParams?: Params): string | undefined {
  const refs = findReferences(value);
  if (refs.length === 0) return String(value);
  if (!launchParams || refs.some((r) => r.ref?.kind !== 'param' || !Object.hasOwn(launchParams, r.ref.name)))
    return undefined;
  return substituteReferences(value, (ref) => String(launchParams[(ref as { name: string }).name]));
}

/** `lr must be a number greater than 0, not "-1".`, or undefined when the text fits the param. */
export function valueProblem(def: ParamDef, text: string): string | undefined {
  const value = coerceParamValue(def, text);
  if (value !== undefined && fitsParam(def, value)) return undefined;
  const hint = def.type === 'enum' ? didYouMean(text, def.values ?? []) : '';
  return `${def.name} must be ${describeAllowed(def)}, not ${JSON.stringify(text)}.${hint}`;
}

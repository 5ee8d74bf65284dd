import type { Params, ParamValue } from '../run/run.ts';

/**
 * `{{name}}` placeholders inside parsed template values. Substitution works on values
 * already parsed from YAML and runs in one pass, so a param value can never add YAML
 * structure, and a value that itself looks like `{{x}}` stays literal text.
 */

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const WHOLE_PLACEHOLDER = /^\{\{\s*([^{}]*?)\s*\}\}$/;

export interface PlaceholderUse {
  /** The text between the braces, e.g. `epochs`. */
  name: string;
  /** Dotted path of the value holding it, e.g. `args.3`. */
  field: string;
}

/** Every placeholder in a parsed value (strings inside arrays and maps too), with where it is. */
export function findPlaceholders(value: unknown, field: string): PlaceholderUse[] {
  if (typeof value === 'string') {
    return [...value.matchAll(PLACEHOLDER)].map((m) => ({ name: m[1], field }));
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => findPlaceholders(v, `${field}.${i}`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => findPlaceholders(v, `${field}.${k}`));
  }
  return [];
}

/** Thrown when a placeholder names a param that has no value; buildRunSpec turns it into a sentence. */
export class MissingParamError extends Error {
  constructor(readonly param: string) {
    super(`param ${param} has no value`);
  }
}

/**
 * A copy of `value` with placeholders replaced. A string that is exactly `{{name}}` becomes the
 * param's value with its type (5 stays a number); placeholders inside longer strings become text.
 */
export function substitute(value: unknown, params: Params): unknown {
  if (typeof value === 'string') return substituteString(value, params);
  if (Array.isArray(value)) return value.map((v) => substitute(v, params));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substitute(v, params);
    return out;
  }
  return value;
}

function substituteString(text: string, params: Params): ParamValue {
  if (!text.includes('{{')) return text;
  const whole = WHOLE_PLACEHOLDER.exec(text);
  if (whole) return lookup(whole[1], params);
  return text.replace(PLACEHOLDER, (_, name: string) => String(lookup(name, params)));
}

function lookup(name: string, params: Params): ParamValue {
  if (!Object.hasOwn(params, name)) throw new MissingParamError(name);
  return params[name];
}

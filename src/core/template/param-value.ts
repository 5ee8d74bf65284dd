import type { ParamValue } from '../run/run.ts';
import type { ParamDef } from './template.ts';

/**
 * Typing and bounds of one param value, shared by resolveParams (values people type) and
 * parseTemplate (defaults written in the YAML), so both give the same sentence.
 */

const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const TRUE_WORDS = new Set(['true', 'yes', '1']);
const FALSE_WORDS = new Set(['false', 'no', '0']);

/** What the param accepts, as the end of "x must be …": `a whole number from 1 to 1000`. */
export function describeAllowed(def: ParamDef): string {
  switch (def.type) {
    case 'bool':
      return 'true or false';
    case 'enum':
      return `one of ${(def.values ?? []).join(', ')}`;
    case 'string':
      return def.pattern === undefined ? 'text' : `text matching /${def.pattern}/`;
    case 'int':
      return `a whole number${describeBounds(def)}`;
    case 'float':
      return `a number${describeBounds(def)}`;
  }
}

function describeBounds(def: ParamDef): string {
  const { min, max } = def;
  if (min !== undefined && max !== undefined && !def.exclusiveMin && !def.exclusiveMax) {
    return ` from ${min} to ${max}`;
  }
  const parts: string[] = [];
  if (min !== undefined) parts.push(def.exclusiveMin ? `greater than ${min}` : `of at least ${min}`);
  if (max !== undefined) parts.push(def.exclusiveMax ? `less than ${max}` : `of at most ${max}`);
  return parts.length ? ` ${parts.join(' and ')}` : '';
}

/** Reads a value typed by a person (`1e-3`, `yes`, `adam`) as the param's type; undefined if it is not one. */
export function coerceParamValue(def: ParamDef, raw: string): ParamValue | undefined {
  const text = raw.trim();
  switch (def.type) {
    case 'int': {
      const n = Number(text);
      return INT.test(text) && Number.isSafeInteger(n) ? n : undefined;
    }
    case 'float': {
      const n = Number(text);
      return FLOAT.test(text) && Number.isFinite(n) ? n : undefined;
    }
    case 'bool': {
      const word = text.toLowerCase();
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
      return undefined;
    }
    case 'enum':
      // Phones capitalise the first letter; accept any case and keep the template's spelling.
      return def.values?.find((v) => v.toLowerCase() === text.toLowerCase());
    case 'string':
      return raw;
  }
}

/** True when an already typed value (a parsed default or a coerced input) fits the param. */
export function fitsParam(def: ParamDef, value: ParamValue): boolean {
  switch (def.type) {
    case 'int':
      return typeof value === 'number' && Number.isSafeInteger(value) && withinBounds(def, value);
    case 'float':
      return typeof value === 'number' && Number.isFinite(value) && withinBounds(def, value);
    case 'bool':
      return typeof value === 'boolean';
    case 'enum':
      return typeof value === 'string' && (def.values ?? []).includes(value);
    case 'string':
      return typeof value === 'string' && (def.pattern === undefined || fullMatch(def.pattern).test(value));
  }
}

function withinBounds(def: ParamDef, n: number): boolean {
  if (def.min !== undefined && (def.exclusiveMin ? n <= def.min : n < def.min)) return false;
  if (def.max !== undefined && (def.exclusiveMax ? n >= def.max : n > def.max)) return false;
  return true;
}

const compiled = new Map<string, RegExp>();

/** The pattern anchored at both ends (a param's pattern must match the whole value); cached. */
export function fullMatch(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${pattern})$`, 'u');
    compiled.set(pattern, re);
  }
  return re;
}

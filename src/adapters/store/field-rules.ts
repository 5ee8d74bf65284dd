import { z } from 'zod';

/*
 * Field rules: how the store checks the records it keeps (runs, sweeps, pipelines) at its border.
 * A store of 10,000 finished runs is checked at every start-up; zod object schemas for each record
 * took 150–240 ms of a fresh process's start-up (and copied every record), so a record is checked
 * by plain field rules inside one zod refinement per list: the file is still checked by zod at the
 * border, each problem still names its field (`runs.12.state: Expected one of ...`), and the
 * records are used as parsed. Unknown extra fields are kept, not rejected.
 */

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
export const isNumber = (v: unknown) => typeof v === 'number';
export const isString = (v: unknown) => typeof v === 'string';
export const isBoolean = (v: unknown) => typeof v === 'boolean';
export const isStringArray = (v: unknown) => Array.isArray(v) && v.every(isString);
export const isOptional = (v: unknown, is: (v: unknown) => boolean) => v === undefined || is(v);

export function isRecordOf(value: unknown, isEntry: (entry: unknown) => boolean): boolean {
  if (!isObject(value)) return false;
  for (const key in value) if (!isEntry(value[key])) return false;
  return true;
}

/** What one field of a stored record must be, and how the error message describes it. */
export interface FieldRule {
  required: boolean;
  is: (value: unknown) => boolean;
  expected: string;
}
export type FieldRules = Record<string, FieldRule>;

export const required = (is: FieldRule['is'], expected: string): FieldRule => ({
  required: true,
  is,
  expected,
});
export const optional = (is: FieldRule['is'], expected: string): FieldRule => ({
  required: false,
  is,
  expected,
});

export const A_STRING = 'a string';

/** The fields every kept record has: what the store files, finds and lists it by. */
export const recordIdentity: FieldRules = {
  id: required((v) => isString(v) && v.length > 0, 'a non-empty string'),
  number: required((v) => Number.isSafeInteger(v) && (v as number) > 0, 'a positive whole number'),
  launchedBy: required(isString, A_STRING),
};

/** The first field of a record that breaks its rules; '' when the record is not even an object. */
function brokenField(record: unknown, rules: FieldRules): string | undefined {
  if (!isObject(record)) return '';
  for (const field in rules) {
    const rule = rules[field];
    const value = record[field];
    if (value === undefined ? rule.required : !rule.is(value)) return field;
  }
  return undefined;
}

/** What is wrong with one record (`state: Expected ...`), or undefined when it keeps the rules. */
export function recordProblem(value: unknown, rules: FieldRules, noun: string): string | undefined {
  const field = brokenField(value, rules);
  if (field === undefined) return undefined;
  return field === '' ? `Expected a ${noun} object` : `${field}: Expected ${rules[field].expected}`;
}

/**
 * A zod schema for a list of records: one refinement over the whole list (zod's per-element
 * machinery alone cost more than the checks), reporting the first broken field by its path.
 */
export function recordListSchema<T>(rules: FieldRules, noun: string) {
  return z
    .custom<T[]>((v) => Array.isArray(v), { message: `Expected a list of ${noun}s` })
    .superRefine((records, ctx) => {
      for (let i = 0; i < records.length; i++) {
        const field = brokenField(records[i], rules);
        if (field === undefined) continue;
        const message = field === '' ? `Expected a ${noun} object` : `Expected ${rules[field].expected}`;
        ctx.addIssue({ code: 'custom', path: field === '' ? [i] : [i, field], message });
        return;
      }
    });
}

import type { z } from 'zod';
import { plural } from '../plural.ts';
import type { TemplateProblem } from './template.ts';
import {
  buildSchema,
  codeSchema,
  jobSchema,
  objectiveSchema,
  paramSchema,
  progressSchema,
  resourcesSchema,
  templateSchema,
  tolerationSchema,
} from './template-schema.ts';

type ZodIssue = z.core.$ZodIssue;

/** Keys each map of the file accepts, for "allowed keys are …" in unknown-key problems. */
const KNOWN_KEYS: Record<string, string[]> = {
  '': Object.keys(templateSchema.shape),
  'params.*': Object.keys(paramSchema.shape),
  build: Object.keys(buildSchema.shape),
  resources: Object.keys(resourcesSchema.shape),
  job: Object.keys(jobSchema.shape),
  'job.tolerations.*': Object.keys(tolerationSchema.shape),
  progress: Object.keys(progressSchema.shape),
  objective: Object.keys(objectiveSchema.shape),
  code: Object.keys(codeSchema.shape),
};

function valueAt(data: unknown, path: PropertyKey[]): unknown {
  let value = data;
  for (const seg of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[seg];
  }
  return value;
}

function pathShape(path: PropertyKey[]): string {
  return path
    .map((seg, i) => (typeof seg === 'number' || (i === 1 && path[0] === 'params') ? '*' : String(seg)))
    .join('.');
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a map',
  record: 'a map',
};

/**
 * One zod issue as problems in plain sentences. `allowedKeys` names the keys a map at a path
 * accepts (for "allowed keys are …"); pipeline files pass their own.
 */
export function describeIssue(
  issue: ZodIssue,
  file: string,
  data: unknown,
  allowedKeys: (path: PropertyKey[]) => readonly string[] = (path) => KNOWN_KEYS[pathShape(path)] ?? [],
): TemplateProblem[] {
  const field = issue.path.map(String).join('.');
  const subject = issue.path.length ? String(issue.path[issue.path.length - 1]) : 'The template';
  const at = (message: string, f = field): TemplateProblem =>
    f ? { file, field: f, message } : { file, message };

  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeys(issue.path);
      return issue.keys.map((key) =>
        at(
          `"${key}" is not a known key here; allowed keys are ${allowed.join(', ')}.`,
          field ? `${field}.${key}` : key,
        ),
      );
    }
    case 'invalid_type':
      if (valueAt(data, issue.path) === undefined) return [at(`${subject} is required.`)];
      return [at(`${subject} must be ${TYPE_WORDS[issue.expected] ?? issue.expected}.`)];
    case 'invalid_value':
      if (valueAt(data, issue.path) === undefined) return [at(`${subject} is required.`)];
      return [at(`${subject} must be one of ${issue.values.map(String).join(', ')}.`)];
    case 'invalid_union':
      // The only unions are job counts (number or placeholder) and scalars (text, number, bool).
      if (field.startsWith('job.'))
        return [at(`${subject} must be a whole number or a {{param}} placeholder.`)];
      return [at(`${subject} must be text, a number or true/false.`)];
    case 'invalid_key':
      return [
        at(
          field.startsWith('env.') || field.startsWith('job.secretEnv.')
            ? `"${subject}" is not a valid environment variable name.`
            : `"${subject}" is not a valid key.`,
        ),
      ];
    case 'invalid_format':
      // Our own regex messages read as the end of a sentence ("must be …"); zod's do not.
      if (issue.message.startsWith('must ')) return [at(`${subject} ${issue.message}.`)];
      return [at(`${subject} is not valid: ${issue.message}.`)];
    case 'too_small':
      if (issue.origin === 'array')
        return [at(`${subject} needs at least ${plural(Number(issue.minimum), 'item')}.`)];
      if (issue.origin === 'string') return [at(`${subject} must not be empty.`)];
      return [at(`${subject} must be at least ${issue.minimum}.`)];
    default:
      return [at(`${subject} is not valid: ${issue.message}.`)];
  }
}

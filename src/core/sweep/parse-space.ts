/**
 * Reads the form of a param value in a sweep command: a list `[a,b,c]`, one of the space
 * functions `range(…)`, `uniform(…)`, `loguniform(…)`, `randint(…)`, or anything else, which is a
 * fixed value. Only the form: typing and bounds need the template's param (check-space.ts).
 */

export const SPACE_FUNCTIONS = ['range', 'uniform', 'loguniform', 'randint'] as const;
export type SpaceFunction = (typeof SPACE_FUNCTIONS)[number];

/** How each space is written, for the "write it like this" half of a refusal. */
export const SPACE_USAGE: Record<SpaceFunction | 'list', string> = {
  list: '[a,b,c]',
  range: 'range(start,stop,step)',
  uniform: 'uniform(lo,hi)',
  loguniform: 'loguniform(lo,hi)',
  randint: 'randint(lo,hi)',
};

export type SpaceSyntax =
  | { kind: 'fixed' }
  | { kind: 'list'; items: string[] }
  | { kind: 'call'; fn: SpaceFunction; args: string[] }
  /** Meant as a space but not well formed; `problem` completes "<the value> …". */
  | { kind: 'malformed'; problem: string };

const CALL = /^([A-Za-z]+)\s*\(/;

export function parseSpace(raw: string): SpaceSyntax {
  const text = raw.trim();
  if (text.startsWith('[')) return parseList(text);
  const call = CALL.exec(text);
  // Phones capitalise the first letter: `Uniform(…)` is still a space.
  const fn = SPACE_FUNCTIONS.find((f) => f === call?.[1].toLowerCase());
  if (!call || !fn) return { kind: 'fixed' };
  if (!text.endsWith(')')) {
    return { kind: 'malformed', problem: `is missing its closing ")"; write ${SPACE_USAGE[fn]}` };
  }
  const args = text
    .slice(call[0].length, -1)
    .split(',')
    .map((a) => a.trim());
  const arity = fn === 'range' ? [2, 3] : [2];
  if (!arity.includes(args.length) || args.some((a) => a === '')) {
    const takes = fn === 'range' ? 'start, stop and step' : 'lo and hi';
    return { kind: 'malformed', problem: `needs ${takes} separated by commas; write ${SPACE_USAGE[fn]}` };
  }
  return { kind: 'call', fn, args };
}

function parseList(text: string): SpaceSyntax {
  if (!text.endsWith(']')) {
    return { kind: 'malformed', problem: `is missing its closing "]"; write a list as ${SPACE_USAGE.list}` };
  }
  const inner = text.slice(1, -1).trim();
  if (inner === '') {
    return { kind: 'malformed', problem: `lists no values; write a list as ${SPACE_USAGE.list}` };
  }
  const items = inner.split(',').map((item) => unquote(item.trim()));
  if (items.some((item) => item === '')) {
    return {
      kind: 'malformed',
      problem: `has an empty value between commas; write a list as ${SPACE_USAGE.list}`,
    };
  }
  return { kind: 'list', items };
}

/** `"adam"` or `'adam'` → `adam`: people quote list items out of habit. */
function unquote(item: string): string {
  const quoted = /^(["'])(.*)\1$/s.exec(item);
  return quoted ? quoted[2] : item;
}

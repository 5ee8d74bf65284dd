import { posix } from 'node:path';

/**
 * `.dockerignore` rules as Docker applies them (moby/patternmatcher): one pattern a line,
 * `#` comments, `!` re-includes, Go `filepath.Match` wildcards plus `**` for any number of
 * folders. The last rule that matches a path (or one of its parent folders) decides.
 */
export interface IgnoreRule {
  pattern: string;
  /** `!pattern`: matching paths are included again. */
  exception: boolean;
  regex: RegExp;
}

export interface IgnoreMatcher {
  /** True when the path (relative to the context, `/`-separated) is left out of the build. */
  ignores(relativePath: string): boolean;
  /** True when some `!` rule exists, so an ignored folder may still hold included files. */
  hasExceptions: boolean;
}

/** Parses the text of a `.dockerignore` file the way the Docker CLI reads it. */
export function parseDockerignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    let line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const exception = line.startsWith('!');
    if (exception) line = line.slice(1).trim();
    if (line === '') continue;
    let pattern = posix.normalize(line);
    if (pattern.length > 1 && pattern.endsWith('/')) pattern = pattern.slice(0, -1);
    if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
    rules.push({ pattern, exception, regex: patternToRegex(pattern) });
  }
  return rules;
}

export function createIgnoreMatcher(rules: IgnoreRule[]): IgnoreMatcher {
  return {
    hasExceptions: rules.some((r) => r.exception),
    ignores: (relativePath) => matchesRules(rules, relativePath),
  };
}

function matchesRules(rules: IgnoreRule[], relativePath: string): boolean {
  const parents = relativePath.split('/').slice(0, -1);
  let ignored = false;
  for (const rule of rules) {
    // An exception can only change a path that an earlier rule ignored, and the reverse.
    if (rule.exception !== ignored) continue;
    if (matchesSelfOrParent(rule.regex, relativePath, parents)) ignored = !rule.exception;
  }
  return ignored;
}

function matchesSelfOrParent(regex: RegExp, relativePath: string, parents: string[]): boolean {
  if (regex.test(relativePath)) return true;
  for (let i = 1; i <= parents.length; i++) {
    if (regex.test(parents.slice(0, i).join('/'))) return true;
  }
  return false;
}

const REGEX_SPECIAL = new Set(['.', '+', '(', ')', '|', '{', '}', '$', '^']);

/** Translates one pattern to a regular expression, following patternmatcher's `compile`. */
function patternToRegex(pattern: string): RegExp {
  let out = '^';
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i];
    if (ch === '*' && pattern[i + 1] === '*') {
      i += 2;
      if (pattern[i] === '/') i++;
      // `**` at the end matches everything below; elsewhere any number of folders, even none.
      out += i >= pattern.length ? '.*' : '(.*/)?';
      continue;
    }
    if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else if (ch === '\\' && i + 1 < pattern.length) {
      i++;
      out += escapeChar(pattern[i]);
    } else if (ch === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end === -1) out += '\\[';
      else {
        out += `[${pattern.slice(i + 1, end).replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else out += escapeChar(ch);
    i++;
  }
  return new RegExp(`${out}$`);
}

function escapeChar(ch: string): string {
  return REGEX_SPECIAL.has(ch) || ch === '\\' || ch === '[' || ch === ']' || ch === '*' || ch === '?'
    ? `\\${ch}`
    : ch;
}

/**
 * Turns anything a log line carries into plain JSON-safe values with secrets masked: tokens in any
 * string (messages, stacks, API bodies), credentials in URLs, fields named like secrets, the values
 * of the process's secret environment variables, and errors with their stack and causes.
 */

/** Field names whose values are never logged, whatever they hold. */
const SECRET_KEY = /token|secret|password|passwd|authorization|cookie|credential|api[-_]?key/i;
/** Slack tokens (bot, user, app, refresh ...) and HTTP auth schemes followed by their credentials. */
const SECRET_TEXT =
  /(?:xox[a-z]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+)|\b((?:Bearer|Basic) )[A-Za-z0-9._~+/=-]{8,}/g;
/** The user-info part of a URL: `https://user:pass@host` → `https://[redacted]@host`. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi;

const REDACTED = '[redacted]';
/** How deep objects are followed; deeper values are replaced, never written unmasked. */
const MAX_DEPTH = 6;
/** How many links of an error's `cause` chain are kept. */
const MAX_CAUSES = 5;
/** A stack longer than this is cut (V8 keeps 10 frames, but messages can be long). */
const MAX_STACK = 4000;

export type Redactor = (value: unknown) => unknown;

/** The values of environment variables named like secrets, so they are masked wherever they appear. */
export function secretsInEnv(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([name, value]) => SECRET_KEY.test(name) && value !== undefined && value.length >= 8)
    .map(([, value]) => value as string);
}

export function createRedactor(secrets: readonly string[] = []): Redactor {
  const text = (s: string): string => {
    let out = s.replace(SECRET_TEXT, (_match, scheme?: string) => (scheme ? scheme + REDACTED : REDACTED));
    out = out.replace(URL_CREDENTIALS, `$1${REDACTED}@`);
    for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  };

  const walk = (value: unknown, depth: number, causes: number, seen: Set<object>): unknown => {
    if (typeof value === 'string') return text(value);
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'function' || typeof value === 'symbol') return undefined;
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value)) return '[circular]';
    if (depth > MAX_DEPTH) return '[too deep to log]';
    seen.add(value);
    try {
      if (isError(value)) return error(value, depth, causes, seen);
      if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1, causes, seen));
      if (value instanceof Date) return value.toISOString();
      const out: Record<string, unknown> = {};
      // Keys are text too: a map keyed by token must not print the token.
      for (const [k, v] of Object.entries(value))
        out[text(k)] = SECRET_KEY.test(k) ? REDACTED : walk(v, depth + 1, causes, seen);
      return out;
    } finally {
      seen.delete(value);
    }
  };

  /** name, message, stack, the error's own fields (code, status, body ...) and its cause, recursively. */
  const error = (err: Error, depth: number, causes: number, seen: Set<object>) => {
    const out: Record<string, unknown> = { name: err.name, message: text(String(err.message)) };
    if (typeof err.stack === 'string') {
      const stack = err.stack.length > MAX_STACK ? `${err.stack.slice(0, MAX_STACK)}…` : err.stack;
      out.stack = text(stack);
    }
    for (const [k, v] of Object.entries(err)) {
      if (k in out || k === 'cause') continue;
      out[text(k)] = SECRET_KEY.test(k) ? REDACTED : walk(v, depth + 1, causes, seen);
    }
    if (err.cause !== undefined)
      out.cause =
        causes < MAX_CAUSES ? walk(err.cause, depth, causes + 1, seen) : '[further causes not logged]';
    if (err instanceof AggregateError)
      out.errors = err.errors.slice(0, MAX_CAUSES).map((e) => walk(e, depth + 1, MAX_CAUSES, seen));
    return out;
  };

  return (value) => walk(value, 0, 0, new Set());
}

/** Errors from this realm and look-alikes from others (workers, vm contexts). */
function isError(value: object): value is Error {
  return (
    value instanceof Error ||
    (typeof (value as Error).message === 'string' &&
      typeof (value as Error).stack === 'string' &&
      typeof (value as Error).name === 'string')
  );
}

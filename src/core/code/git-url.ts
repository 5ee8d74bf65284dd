/**
 * Git clone URLs: which forms a template may use, and how to show one without its
 * credentials. A URL may carry a token (`https://x-access-token:…@host/…`, `?private_token=…`);
 * it is kept as written for the clone but is never shown unredacted in chat or logs.
 */

export const MAX_GIT_URL_LENGTH = 2000;

const ALLOWED_SCHEMES = ['https', 'http', 'ssh', 'git', 'file'];
const SCHEME_URL = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
// `[user@]host:path`, git's scp-like form; no slash may come before the colon.
const SCP_LIKE = /^(?:([^@/\s]+)@)?([^@/:\s]+):(.+)$/;
// Pieces of a scheme URL: scheme, userinfo, the rest up to the query, query, fragment. The
// userinfo runs to the last `@` before the query, so a password with a raw `/` in it is still
// all redacted (a path with an `@` is redacted too much, which is the safe side).
const URL_PARTS = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)(?:([^?#]*)@)?([^?#]*)(\?[^#]*)?(#.*)?$/s;

/**
 * What is wrong with `url` as a clone URL, as the end of "… is not a git URL: it …", or undefined
 * when it is one of the accepted forms: https/http/ssh/git/file URLs, `host:path`, or an absolute
 * path (a repository on the machine running the process runtime).
 */
export function gitUrlProblem(url: string): string | undefined {
  if (url === '') return 'is empty';
  if (url.length > MAX_GIT_URL_LENGTH) return `is longer than ${MAX_GIT_URL_LENGTH} characters`;
  if (url.startsWith('-')) return 'starts with "-", which git would read as an option';
  if (/[\s\u0000-\u001f\u007f]/.test(url)) return 'contains a space or a control character';
  const scheme = SCHEME_URL.exec(url)?.[1].toLowerCase();
  if (scheme !== undefined) {
    if (!ALLOWED_SCHEMES.includes(scheme))
      return `uses ${scheme}://; use one of ${ALLOWED_SCHEMES.map((s) => `${s}://`).join(', ')}`;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return 'is not a well-formed URL';
    }
    if (scheme !== 'file' && parsed.hostname === '') return 'names no host';
    return undefined;
  }
  // `ext::sh -c …` and friends run programs; git calls these "transport helpers".
  if (/^[A-Za-z][A-Za-z0-9+.-]*::/.test(url))
    return 'uses a git transport helper (name::), which is not allowed';
  if (url.startsWith('/')) return undefined;
  if (SCP_LIKE.test(url)) return undefined;
  return 'is neither a URL (https://, ssh://, git://, file://), a host:path address nor an absolute path';
}

/**
 * `url` with credentials replaced by `***`: the user and password of a URL (an ssh user name
 * such as `git` is kept, being no secret), a password in `user:password@host:path`, and every
 * query value. The fragment is dropped.
 */
export function redactGitUrl(url: string): string {
  const parts = URL_PARTS.exec(url);
  if (parts) {
    const [, scheme, userinfo, rest, query] = parts;
    const isSsh = scheme.toLowerCase() === 'ssh://';
    let user = '';
    if (userinfo !== undefined) user = isSsh && !userinfo.includes(':') ? `${userinfo}@` : '***@';
    const q = query === undefined ? '' : query.replace(/=[^&;]*/g, '=***');
    return `${scheme}${user}${rest}${q}`;
  }
  // `user:password@host:path` (scp-like) or anything else: what comes before the last `@` holds
  // a password when it has a colon in it. A user name alone is how ssh logs in (git@…): kept.
  const [beforeQuery, query] = splitOnce(url.replace(/#.*$/s, ''), '?');
  const at = beforeQuery.lastIndexOf('@');
  const shown =
    at > 0 && beforeQuery.slice(0, at).includes(':') ? `***${beforeQuery.slice(at)}` : beforeQuery;
  return query === undefined ? shown : `${shown}?${query.replace(/=[^&;]*/g, '=***')}`;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** Free text (e.g. git's error output) with every URL in it redacted as by redactGitUrl. */
export function redactCredentials(text: string): string {
  return text.replace(/[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s'"<>]+/g, (url) => redactGitUrl(url));
}

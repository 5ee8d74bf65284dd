/**
 * Turns the text Slack (or a console user) sends into words, before any grammar is applied.
 *
 * Slack escapes `& < >`, wraps mentions and links in angle brackets, and phones and macOS
 * replace straight quotes with curly ones; all of that is undone here so the grammar in
 * parse-command.ts only ever sees plain words.
 */

/** One word of a command, with its quotes removed. */
export type Token = {
  /** The word with quotes and escapes resolved: `note="two words"` → `note=two words`. */
  text: string;
  /** The word as typed (after Slack decoding), for error messages and for spotting `--options`. */
  raw: string;
  /** Index in `text` of the first `=` that was outside quotes, or -1; splits `name=value`. */
  equals: number;
  /** True when any part of the word was inside quotes. */
  quoted: boolean;
};

export type TokenizeResult = { ok: true; tokens: Token[] } | { ok: false; error: string };

const CURLY_DOUBLE = /[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]/g;
const CURLY_SINGLE = /[\u2018\u2019\u201A\u201B\u2032]/g;
// Characters that render as nothing; Slack clients and copy-paste sometimes insert them.
const INVISIBLE = /[\u200B\u2060\uFEFF]/g;
// Every kind of whitespace (tabs, newlines, NBSP, thin spaces...) separates words like a space.
const WHITESPACE = /[\s\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]/;

/** Printable ASCII is never whitespace, so only other characters pay for the regex (the tokenizer's hot path). */
function isWhitespace(ch: string): boolean {
  if (ch >= '!' && ch <= '~') return false;
  return WHITESPACE.test(ch);
}

/**
 * Undoes Slack's message formatting: `<@U123|name>` → `<@U123>`, `<#C1|general>` → `<#C1>`,
 * `<http://x|x>` → `http://x`, then `&lt; &gt; &amp;` → `< > &`; curly quotes become straight.
 * Angle brackets are resolved before entities because a `<` the user typed arrives as `&lt;`.
 */
export function normalizeSlackText(text: string): string {
  return text
    .replace(/<([@#!])([^<>|\s]+)(?:\|[^<>]*)?>/g, '<$1$2>')
    .replace(/<((?:https?|mailto|ftp):[^<>|\s]+)(?:\|[^<>]*)?>/gi, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(CURLY_DOUBLE, '"')
    .replace(CURLY_SINGLE, "'")
    .replace(INVISIBLE, '');
}

/**
 * Splits normalized text into words. Whitespace separates words; a quote (`"` or `'`) that
 * opens a word or follows its first `=` starts a quoted part that may hold spaces. Inside
 * double quotes `\"` and `\\` are escapes; single quotes keep everything literally. A quote
 * in the middle of a bare word (`don't`) is an ordinary character, so apostrophes need no quoting.
 */
export function tokenize(text: string): TokenizeResult {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    if (isWhitespace(text[i])) {
      i++;
      continue;
    }
    const start = i;
    let value = '';
    let equals = -1;
    let quoted = false;
    while (i < text.length && !isWhitespace(text[i])) {
      const ch = text[i];
      const opensQuote = (ch === '"' || ch === "'") && (i === start || text[i - 1] === '=');
      if (opensQuote) {
        const closed = readQuoted(text, i);
        if (!closed.ok) return closed;
        value += closed.value;
        quoted = true;
        i = closed.end;
        continue;
      }
      if (ch === '=' && equals === -1) equals = value.length;
      value += ch;
      i++;
    }
    tokens.push({ text: value, raw: text.slice(start, i), equals, quoted });
  }
  return { ok: true, tokens: joinBracketedValues(tokens) };
}

/** How many more `(` and `[` than `)` and `]` a piece of text opens. */
function bracketDepth(text: string): number {
  let depth = 0;
  for (const ch of text) {
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
  }
  return depth;
}

/**
 * A `name=value` word whose value opens a bracket takes in the next words up to the one that
 * closes it, so the space people type after a comma does not split a sweep's search space:
 * `lr=uniform(1e-4, 1e-1)` and `lr=[0.01, 0.1]` are one word each. A quoted value is meant
 * literally and never joins; an option or another name=value is never taken in; and words join
 * only when the brackets do close: otherwise they stay as they were and the grammar reports them.
 */
function joinBracketedValues(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const first = tokens[i];
    let depth =
      first.equals === -1 || first.quoted || first.raw.startsWith('--')
        ? 0
        : bracketDepth(first.text.slice(first.equals + 1));
    let end = i;
    while (depth > 0 && end + 1 < tokens.length) {
      const next = tokens[end + 1];
      // A quoted continuation is fine (`[“adam”, “sgd”]`: the second item starts a word with a quote).
      if (next.equals !== -1 || next.raw.startsWith('--')) break;
      depth += bracketDepth(next.text);
      end++;
    }
    if (end > i && depth <= 0) {
      const words = tokens.slice(i, end + 1);
      out.push({
        text: words.map((w) => w.text).join(' '),
        raw: words.map((w) => w.raw).join(' '),
        equals: first.equals,
        quoted: false,
      });
      i = end;
    } else {
      out.push(first);
    }
  }
  return out;
}

type QuotedPart = { ok: true; value: string; end: number } | { ok: false; error: string };

/** Reads the quoted part starting at `open` (the quote character); `end` is just past the closing quote. */
function readQuoted(text: string, open: number): QuotedPart {
  const quote = text[open];
  let value = '';
  let i = open + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === quote) return { ok: true, value, end: i + 1 };
    if (quote === '"' && ch === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
      value += text[i + 1];
      i += 2;
      continue;
    }
    // Newlines and tabs inside a value would break one-line cards and logs; they count as spaces.
    value += isWhitespace(ch) ? ' ' : ch;
    i++;
  }
  const kind = quote === '"' ? 'double' : 'single';
  return {
    ok: false,
    error: `The ${kind} quote that starts ${flatten(text.slice(open), 30)} is never closed; end the value with another ${quote}, e.g. note=${quote}two words${quote}.`,
  };
}

/**
 * User input made safe to quote in a one-line error: control characters and line breaks become
 * spaces, and long input is cut short.
 */
export function showInput(input: string, max = 40): string {
  return `"${flatten(input, max)}"`;
}

function flatten(input: string, max: number): string {
  const flat = input.replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]/g, ' ');
  const chars = Array.from(flat);
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : flat;
}

import { type Sentence, sentenceParts } from '../../core/sentence.ts';
import { cutAt } from '../format.ts';

/**
 * Slack mrkdwn that Trainyard composed. Block Kit views build every mrkdwn text from these,
 * so escaping cannot be forgotten: the builders in block-kit.ts take only `Mrkdwn`, and the only
 * ways to make one are `md` (which escapes every string put into it) and the helpers below
 * (which escape their text and add Trainyard's own markup around it).
 */
declare const MRKDWN: unique symbol;
export interface Mrkdwn {
  readonly mrkdwn: string;
  readonly [MRKDWN]: true;
}

const trusted = (text: string): Mrkdwn => ({ mrkdwn: text }) as Mrkdwn;
const isMrkdwn = (value: unknown): value is Mrkdwn =>
  typeof value === 'object' && value !== null && typeof (value as Mrkdwn).mrkdwn === 'string';

/**
 * A backtick from outside Trainyard becomes ˋ (U+02CB, modifier letter grave accent). A single
 * backtick ends an inline code span and three end a code block whatever surrounds them, so the
 * only safe backtick is none; a zero-width joiner between backticks would keep ``` from forming
 * but not stop one ` from closing a span. ˋ looks the same in Slack's fonts, so a param value
 * or log line still reads as written.
 */
const GRAVE_LOOKALIKE = '\u02CB';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '`': GRAVE_LOOKALIKE };

/**
 * THE escaping of text that did not come from Trainyard (log lines, cluster messages, reasons,
 * params, template and schedule names, API errors, user input) for Slack mrkdwn: `&`, `<` and
 * `>` become entities, so no `<!channel>`, `<@U…>`, `<#C…>` or link can form, and backticks are
 * neutralised, so nothing can open or close a code span or block. Everywhere, not only inside
 * code: the text cannot know whether Trainyard will put it in code.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/[&<>`]/g, (c) => ENTITIES[c]);
}

/** Escapes `text` and cuts it (marking the cut with …) so the escaped text is at most `max` long. */
function escapeWithin(text: string, max: number): string {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= max) return escaped;
  let out = '';
  for (const ch of text) {
    const piece = ENTITIES[ch] ?? ch;
    if (out.length + piece.length > max - 1) break;
    out += piece;
  }
  return `${out}…`;
}

/**
 * Tagged template for mrkdwn: the literal parts are Trainyard's own markup (`*bold*`, `_italic_`,
 * backticks for code) with `&`, `<`, `>` still escaped; every interpolated string or number is
 * escaped as external text; interpolated `Mrkdwn` is kept as it is.
 */
export function md(
  literals: TemplateStringsArray,
  ...values: ReadonlyArray<string | number | Mrkdwn>
): Mrkdwn {
  let out = '';
  literals.forEach((literal, i) => {
    out += literal.replace(/[&<>]/g, (c) => ENTITIES[c]);
    if (i < values.length) {
      const value = values[i];
      out += isMrkdwn(value) ? value.mrkdwn : escapeMrkdwn(String(value));
    }
  });
  return trusted(out);
}

/** External text as mrkdwn, at most `max` characters once escaped. */
export function plain(text: string, max = 2000): Mrkdwn {
  return trusted(escapeWithin(text, max));
}

/**
 * External text as one line of mrkdwn (line breaks become spaces), at most `max` characters
 * once escaped: for views that show one thing per line, where a step name or reason holding a
 * line break would otherwise start a line of its own.
 */
export function inline(text: string, max = 300): Mrkdwn {
  return plain(text.replace(/[\r\n\u2028\u2029]+/g, ' '), max);
}

export const bold = (text: string | Mrkdwn): Mrkdwn => md`*${text}*`;

/**
 * Inline code around external text (at most `max` characters inside). Line breaks would end the
 * span in Slack, so they are shown as ↵.
 */
export function code(text: string, max = 1000): Mrkdwn {
  const oneLine = text.replace(/\r\n|\r|\n/g, '↵');
  return trusted(`\`${escapeWithin(oneLine, max) || ' '}\``);
}

const SLACK_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A mention of a user id Trainyard holds (launcher, owner, whoever pressed Stop). */
export function mention(userId: string): Mrkdwn {
  // Ids come from Slack or the store; anything that is not id-shaped is shown, not linked.
  return SLACK_ID.test(userId) ? trusted(`<@${userId}>`) : md`@${userId}`;
}

/** A date each reader sees in their own time zone (Slack's date formatting). */
export function slackDate(d: Date): Mrkdwn {
  return trusted(`<!date^${Math.floor(d.getTime() / 1000)}^{date_short_pretty} {time}|${d.toISOString()}>`);
}

export function joinMd(parts: readonly Mrkdwn[], separator: string): Mrkdwn {
  return trusted(parts.map((p) => p.mrkdwn).join(escapeMrkdwn(separator)));
}

/** A core Sentence: its text escaped, then Trainyard's markup (mentions, code) applied. */
export function sentenceMd(s: Sentence): Mrkdwn {
  const parts = sentenceParts(s).map((part) =>
    typeof part === 'string' ? plain(part, 3000) : 'user' in part ? mention(part.user) : code(part.code),
  );
  return joinMd(parts, '');
}

const FENCE = '```';

/**
 * The last lines that fit in `maxChars` as a code block. Older lines are cut first (the end of a
 * log is what people need), and each line is cut at `maxLineChars` so one huge line cannot hide
 * all the others.
 */
export function codeBlock(lines: readonly string[], maxChars = 3000, maxLineChars = 500): Mrkdwn {
  // Two fences, their two newlines, and room for the `…` line that marks cut lines.
  const budget = maxChars - 2 * FENCE.length - 2 - 2;
  const kept: string[] = [];
  let used = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = escapeWithin(lines[i], Math.min(maxLineChars, budget - 1));
    if (used + line.length + 1 > budget) break;
    kept.unshift(line);
    used += line.length + 1;
  }
  const cut = kept.length < lines.length ? ['…'] : [];
  return trusted(`${FENCE}\n${[...cut, ...kept].join('\n') || ' '}\n${FENCE}`);
}

const count = (text: string, piece: string): number => text.split(piece).length - 1;

/**
 * Cuts composed mrkdwn to `max` characters without breaking it: never inside an entity or a
 * `<…>` token (a mention cut in half is neither text nor a mention), never leaving a code span
 * or block open.
 */
export function truncateMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  for (const room of [1, 1 + FENCE.length + 1]) {
    let head = cutAt(text, max - room);
    const amp = head.lastIndexOf('&');
    if (amp !== -1 && !head.includes(';', amp)) head = head.slice(0, amp);
    const lt = head.lastIndexOf('<');
    if (lt !== -1 && !head.includes('>', lt)) head = head.slice(0, lt);
    const fences = count(head, FENCE);
    if (fences % 2 === 1) {
      if (room === 1) continue;
      return `${head}…\n${FENCE}`;
    }
    // An inline code span left open: cut before its opening backtick.
    if ((count(head, '`') - 3 * fences) % 2 === 1) head = head.slice(0, head.lastIndexOf('`'));
    return `${head}…`;
  }
  return '…';
}

/**
 * How many terminal columns text takes, as terminals draw it: emoji shown as pictures and East
 * Asian wide characters take two, combining marks and joiners none. The live area counts on
 * every line fitting one row, so this decides where a card line is cut and how many rows a typed
 * command took.
 */

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;
const EMOJI_PICTURE = /^\p{Emoji_Presentation}$/u;
const VARIATION_SELECTOR_EMOJI = '\uFE0F';

/** Hangul, CJK, fullwidth forms and the other blocks terminals draw two columns wide. */
function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0x303e) ||
    (code >= 0x3041 && code <= 0x33ff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0xa000 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

/** Columns one character takes (0, 1 or 2); `next` is the character after it (a variation selector widens). */
export function charWidth(ch: string, next?: string): number {
  if (ZERO_WIDTH.test(ch)) return 0;
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return 0;
  if (EMOJI_PICTURE.test(ch) || isWide(code)) return 2;
  return next === VARIATION_SELECTOR_EMOJI ? 2 : 1;
}

/** Columns `text` takes on one line. */
export function displayWidth(text: string): number {
  const chars = [...text];
  let width = 0;
  for (let i = 0; i < chars.length; i++) width += charWidth(chars[i], chars[i + 1]);
  return width;
}

/** `text` cut to at most `max` columns, the cut marked with …. */
export function fitWidth(text: string, max: number): string {
  if (displayWidth(text) <= max) return text;
  const chars = [...text];
  let out = '';
  let width = 0;
  for (let i = 0; i < chars.length; i++) {
    const w = charWidth(chars[i], chars[i + 1]);
    if (width + w > max - 1) break;
    out += chars[i];
    width += w;
  }
  return `${out}…`;
}

/**
 * Rows a line of `width` columns takes once written on a terminal `columns` wide, with the cursor
 * moved to the next line after it (as readline does on Enter: a line that exactly fills its last
 * row still takes the row after it for the cursor).
 */
export function rowsTaken(width: number, columns: number): number {
  return Math.floor(width / Math.max(1, columns)) + 1;
}

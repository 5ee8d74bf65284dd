/**
 * How many terminal columns text takes, as terminals draw it: emoji shown as pictures and East
 * Asian wide characters take two, combining marks and joiners none. The live area counts on
 * every line fitting one row, so this decides where a card line is cut and how many rows a typed
 * command took.
 */

import { isWideCharacter } from '../../../shared/wide-characters.ts';

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;
const EMOJI_PICTURE = /^\p{Emoji_Presentation}$/u;
const VARIATION_SELECTOR_EMOJI = '\uFE0F';

/** Columns one character takes (0, 1 or 2); `next` is the character after it (a variation selector widens). */
export function charWidth(ch: string, next?: string): number {
  if (ZERO_WIDTH.test(ch)) return 0;
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return 0;
  if (EMOJI_PICTURE.test(ch) || isWideCharacter(code)) return 2;
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

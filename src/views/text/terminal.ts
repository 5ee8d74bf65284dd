import { truncate } from '../format.ts';

/**
 * Text for the console chat. Log lines, cluster messages, params and names can hold terminal
 * control characters: an ESC sequence could recolour, move the cursor, clear the screen or set
 * the window title; a carriage return could overwrite what is already on the line (and the
 * live cards the console redraws in place count on one line being one line). So every string
 * that did not come from Trainyard passes through `terminalText` before it is printed.
 */

// ANSI escape sequences: CSI (`ESC [ … final`, also the 8-bit `0x9B`), OSC (`ESC ] … BEL|ST`,
// or unterminated to the end), and the two-character ones (`ESC 7`, `ESC c`). Colours in
// logs are common and carry nothing worth keeping, so they are removed rather than shown.
const ANSI_SEQUENCE =
  /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|(?:\u001b\]|\u009d)[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[ -/]*[0-~]/g;
const LINE_BREAK = /\r\n|\n|\u2028|\u2029/g;
// C0 (but the tab), DEL, C1, and the bidirectional overrides and isolates that can make text
// read in another order than it is (U+202A–U+202E, U+2066–U+2069).
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** C0 controls as their visible Control Pictures (␍, ␛, ␀ …); others as the replacement character. */
function picture(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  if (code === 0x7f) return '␡';
  return '�';
}

/**
 * External text made safe for one terminal line: escape sequences removed, line breaks shown as
 * ↵, tabs as a space, every other control character as a visible symbol; at most `max` characters.
 */
export function terminalText(text: string, max = 2000): string {
  const safe = String(text)
    .replace(ANSI_SEQUENCE, '')
    .replace(LINE_BREAK, ' ↵ ')
    .replace(/\t/g, ' ')
    .replace(CONTROL, picture);
  return truncate(safe, max);
}

/**
 * Tagged template for a terminal line: every interpolated string goes through terminalText
 * (already safe text passes unchanged), the literal parts are Trainyard's own.
 */
export function tx(literals: TemplateStringsArray, ...values: ReadonlyArray<string | number>): string {
  let out = '';
  literals.forEach((literal, i) => {
    out += literal;
    if (i < values.length) out += terminalText(String(values[i]));
  });
  return out;
}

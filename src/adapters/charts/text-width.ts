/**
 * Text widths for Vega's layout. Without a canvas, Vega guesses every character at 0.8 em, about a
 * third wider than DejaVu Sans really is, so a long subtitle squeezed the plot to half the chart
 * and legend labels were cut early. These widths follow DejaVu Sans (the charts' font) by
 * character class, close enough for layout and truncation; East Asian wide characters count a
 * full em, as in the CJK fonts one would add for them.
 */

import { isWideCharacter } from '../../shared/wide-characters.ts';

// Advance widths of DejaVu Sans in em, by group: each group's mean as read from the font's hmtx
// table, every character within about 15% of it.
const WIDTH_GROUPS: [chars: string, em: number][] = [
  ["ijlIJ'|", 0.29],
  [' .,:;!/()[]·', 0.35],
  ['ftr-`', 0.4],
  ['csz_"', 0.51],
  ['abdeghknopquvxy0123456789?$', 0.62],
  ['ABCDEFGHKLNOPQRSTUVXYZ&', 0.69],
  ['w#=+<>~^*', 0.8],
  ['mMW%@…★', 0.95],
];
const ASCII_EM = new Map<string, number>(
  WIDTH_GROUPS.flatMap(([chars, em]) => [...chars].map((c) => [c, em])),
);
const OTHER_EM = 0.65;
const WIDE_EM = 1;
/** DejaVu Sans Bold is about this much wider than the regular weight. */
const BOLD_FACTOR = 1.12;

/** East Asian wide characters and emoji: a full em each. */
function isWide(code: number): boolean {
  return isWideCharacter(code) || (code >= 0x1f300 && code <= 0x1faff);
}

export function textWidth(text: string, fontSize: number, bold = false): number {
  let em = 0;
  for (const ch of text) {
    em += ASCII_EM.get(ch) ?? (isWide(ch.codePointAt(0) ?? 0) ? WIDE_EM : OTHER_EM);
  }
  return em * fontSize * (bold ? BOLD_FACTOR : 1);
}

/** The text properties of a Vega scenegraph item that its width depends on. */
interface TextItem {
  fontSize?: number | string;
  fontWeight?: number | string;
  limit?: number;
}

/**
 * A replacement for Vega's `textMetrics.width(item, text)`. Vega cuts a text longer than the
 * item's `limit` (with an ellipsis) when it draws it, so its width never counts as more.
 */
export function vegaTextWidth(item: TextItem, text: unknown): number {
  if (text === null || text === undefined) return 0;
  const size = item.fontSize === undefined ? 11 : Number(item.fontSize) || 0;
  const weight = item.fontWeight;
  const bold = weight === 'bold' || weight === 'bolder' || Number(weight) >= 600;
  const width = textWidth(String(text).trim(), size, bold);
  return item.limit !== undefined && item.limit > 0 ? Math.min(width, item.limit) : width;
}

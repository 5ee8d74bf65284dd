/**
 * Counts as the sweep's sentences show them (metric values use formatNumber in
 * src/core/format-number.ts). The sentences are plain text (like every reply and reason in core):
 * user input in them is quoted with showInput, and the views escape it all.
 */

/** `1,000`: counts in sentences. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

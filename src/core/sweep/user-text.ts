import { showInput } from '../command/tokenize.ts';

/**
 * User text inside the sentences this module writes (refusals, stop reasons). Those sentences
 * are posted as Slack mrkdwn, like every reply text (which may carry Trainyard's own mentions),
 * so whatever a person typed is made inert here, once: `& < >` are escaped (no `<!channel>`,
 * `<@U…>` or `<#C…>` can come from a param value) and backticks become a look-alike that opens
 * no code span. The console shows the same sentences; there a stray `&lt;` is the lesser harm.
 */
export function escapeUserText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/`/g, 'ˋ');
}

/** User input quoted in a one-line sentence: `"lr=uniform(1,0)"`, cut at `max` characters, escaped. */
export function quoteInput(text: string, max = 40): string {
  return escapeUserText(showInput(text, max));
}

/** A metric value as people read it: 4 significant digits, scientific for tiny or huge values. */
export function formatValue(n: number): string {
  // The same rule as formatNumber in src/views/format.ts; core cannot import views.
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n) && Math.abs(n) < 1e9) return String(n);
  const a = Math.abs(n);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return n.toExponential(2);
  return String(Number(n.toPrecision(4)));
}

/** `1,000`: counts in sentences. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

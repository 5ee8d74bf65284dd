import { truncate } from '../format.ts';
import { escapeMrkdwn } from './block-kit.ts';

/**
 * Text that did not come from Trainyard (params, outputs, step names, reasons), made safe for
 * one line of mrkdwn: `<`, `>`, `&` escaped (no mention, ping or link), backticks turned into
 * `'` (no code span or fence it opens and never closes), line breaks into spaces. Cut before
 * escaping, so no cut lands inside an entity like `&amp;`.
 */
export function mrkdwnText(text: string, max = 300): string {
  return escapeMrkdwn(truncate(text.replace(/`/g, "'").replace(/[\r\n]+/g, ' '), max));
}

/** The same as an inline code span. */
export function codeSpan(text: string, max = 300): string {
  const inner = mrkdwnText(text, max);
  return `\`${inner.trim() === '' ? ' ' : inner}\``;
}

/** A Slack user id as a mention; anything that is no plain id is shown as escaped text instead. */
export function userMention(user: string): string {
  return /^[A-Za-z0-9._-]{1,64}$/.test(user) ? `<@${user}>` : mrkdwnText(user, 64);
}

import cronstrue from 'cronstrue';
import { expandNickname } from './cron-expression.ts';

/**
 * The expression in words ("At 02:00, every day"), 24-hour clock. Falls back to the
 * expression itself if cronstrue cannot read it (the scheduler validated it already).
 */
export function describeCron(expression: string): string {
  const expanded = expandNickname(expression);
  try {
    const words = cronstrue.toString(expanded, { use24HourTimeFormat: true, verbose: false });
    const fields = expanded.split(' ');
    const dayFields = fields.slice(-3);
    // cronstrue says nothing about days for a daily time; people expect to read it.
    const daily = dayFields.every((f) => f === '*' || f === '?') && /^At \d\d:\d\d(:\d\d)?$/.test(words);
    return daily ? `${words}, every day` : words;
  } catch {
    return expression.trim();
  }
}

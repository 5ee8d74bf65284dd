import type { types } from '@slack/bolt';
import { truncate } from '../format.ts';

/**
 * Block Kit building blocks that respect Slack's limits, so no view can produce a message
 * Slack rejects (`invalid_blocks`) however long a param, metric name or log line is.
 */
export type Block = types.KnownBlock;
export type Button = types.Button;

/** What every Block Kit view returns: blocks plus the plain `text` notifications and old clients show. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

export const LIMITS = {
  blocks: 50,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  contextElements: 10,
  confirmTitle: 100,
  confirmText: 300,
  /** Notification text; Slack accepts more but cuts it in notifications anyway. */
  fallbackText: 3000,
} as const;

/** Limits of views (modals and the Home tab) and their inputs, beyond those of messages. */
export const VIEW_LIMITS = {
  blocks: 100,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
  blockId: 255,
  actionId: 255,
  label: 2000,
  hint: 2000,
  placeholder: 150,
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  selectOptions: 100,
  checkboxOptions: 10,
  textInput: 3000,
} as const;

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export const mention = (user: string): string => `<@${user}>`;

/** A time Slack shows in each reader's own time zone; the ISO time where it cannot. */
export const slackDate = (d: Date): string =>
  `<!date^${Math.floor(d.getTime() / 1000)}^{date_short_pretty} {time}|${d.toISOString()}>`;

/** A plain_text object (never read as mrkdwn, so nothing in it needs escaping), cut to `max`. */
export function plainText(text: string, max: number): { type: 'plain_text'; text: string; emoji: true } {
  return { type: 'plain_text', text: truncate(text, max), emoji: true };
}

export function header(text: string): Block {
  return {
    type: 'header',
    text: { type: 'plain_text', text: truncate(text, LIMITS.headerText), emoji: true },
  };
}

export function section(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) } };
}

/** A section of label/value pairs (two columns on desktop, stacked on a phone). */
export function fields(pairs: [label: string, value: string][]): Block {
  return {
    type: 'section',
    fields: pairs.slice(0, LIMITS.fields).map(([label, value]) => ({
      type: 'mrkdwn',
      text: truncate(`*${label}*\n${value}`, LIMITS.fieldText),
    })),
  };
}

export function context(...texts: string[]): Block {
  return {
    type: 'context',
    elements: texts
      .slice(0, LIMITS.contextElements)
      .map((text) => ({ type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) })),
  };
}

export interface ButtonSpec {
  text: string;
  actionId: string;
  value: string;
  style?: 'primary' | 'danger';
  confirm?: { title: string; text: string; confirm: string; deny: string };
}

export function button(spec: ButtonSpec): Button {
  const b: Button = {
    type: 'button',
    text: { type: 'plain_text', text: truncate(spec.text, LIMITS.buttonText), emoji: true },
    action_id: spec.actionId,
    value: spec.value.slice(0, LIMITS.buttonValue),
  };
  if (spec.style) b.style = spec.style;
  if (spec.confirm) {
    b.confirm = {
      title: { type: 'plain_text', text: truncate(spec.confirm.title, LIMITS.confirmTitle) },
      text: { type: 'mrkdwn', text: truncate(spec.confirm.text, LIMITS.confirmText) },
      confirm: { type: 'plain_text', text: truncate(spec.confirm.confirm, LIMITS.buttonText) },
      deny: { type: 'plain_text', text: truncate(spec.confirm.deny, LIMITS.buttonText) },
      ...(spec.style === 'danger' ? { style: 'danger' as const } : {}),
    };
  }
  return b;
}

export function actions(buttons: Button[], blockId?: string): Block {
  return {
    type: 'actions',
    elements: buttons.slice(0, 25),
    ...(blockId ? { block_id: blockId.slice(0, 255) } : {}),
  };
}

/**
 * The last lines that fit in one section as a code block. Older lines are cut first (the
 * end of a log is what people need), and each line is cut at `maxLineChars` so one huge
 * line cannot hide all the others.
 */
export function codeBlock(
  lines: string[],
  maxChars: number = LIMITS.sectionText,
  maxLineChars = 500,
): string {
  const fence = '```';
  // Two fences, their two newlines, and room for the `…` line that marks cut lines.
  const budget = maxChars - 2 * fence.length - 2 - 2;
  const kept: string[] = [];
  let used = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = truncate(escapeMrkdwn(lines[i].replace(/```/g, "'''")), Math.min(maxLineChars, budget - 1));
    if (used + line.length + 1 > budget) break;
    kept.unshift(line);
    used += line.length + 1;
  }
  const cut = kept.length < lines.length ? ['…'] : [];
  return `${fence}\n${[...cut, ...kept].join('\n') || ' '}\n${fence}`;
}

/** Keeps a message within 50 blocks, saying how much was left out. */
function fitBlocks(blocks: Block[], what = 'items'): Block[] {
  if (blocks.length <= LIMITS.blocks) return blocks;
  const kept = blocks.slice(0, LIMITS.blocks - 1);
  return [...kept, context(`…and ${blocks.length - kept.length} more ${what} not shown.`)];
}

export function message(text: string, blocks: Block[], what?: string): SlackMessage {
  return { text: truncate(text, LIMITS.fallbackText), blocks: fitBlocks(blocks, what) };
}

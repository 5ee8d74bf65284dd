import type { types } from '@slack/bolt';
import { plural } from '../../core/plural.ts';
import { truncate } from '../format.ts';
import { type Mrkdwn, md, truncateMrkdwn } from './mrkdwn.ts';

/**
 * Block Kit building blocks that respect Slack's limits, so no view can produce a message
 * Slack rejects (`invalid_blocks`) however long a param, metric name or log line is.
 * Every mrkdwn text is a `Mrkdwn` (see mrkdwn.ts), so nothing reaches Slack unescaped;
 * plain_text (headers, buttons) is shown by Slack as written and only needs its length kept.
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

const mrkdwnText = (text: Mrkdwn, max: number) => ({
  type: 'mrkdwn' as const,
  text: truncateMrkdwn(text.mrkdwn, max),
});

/**
 * Slack shows plain_text as written (nothing in it needs escaping); a header, button, label or
 * option is one line, so line breaks become spaces.
 */
export const plainText = (text: string, max: number) => ({
  type: 'plain_text' as const,
  text: truncate(text.replace(/\r\n|\r|\n/g, ' '), max) || ' ',
  emoji: true,
});

export function header(text: string): Block {
  return { type: 'header', text: plainText(text, LIMITS.headerText) };
}

/** A section of text, with a button on its right if given (the Home tab's lists). */
export function section(text: Mrkdwn, accessory?: Button): Block {
  return { type: 'section', text: mrkdwnText(text, LIMITS.sectionText), ...(accessory ? { accessory } : {}) };
}

/** A section of label/value pairs (two columns on desktop, stacked on a phone). */
export function fields(pairs: [label: string, value: Mrkdwn][]): Block {
  return {
    type: 'section',
    fields: pairs
      .slice(0, LIMITS.fields)
      .map(([label, value]) => mrkdwnText(md`*${label}*\n${value}`, LIMITS.fieldText)),
  };
}

export function context(...texts: Mrkdwn[]): Block {
  return {
    type: 'context',
    elements: texts.slice(0, LIMITS.contextElements).map((text) => mrkdwnText(text, LIMITS.sectionText)),
  };
}

export interface ButtonSpec {
  text: string;
  actionId: string;
  value: string;
  style?: 'primary' | 'danger';
  confirm?: { title: string; text: Mrkdwn; confirm: string; deny: string };
}

export function button(spec: ButtonSpec): Button {
  const b: Button = {
    type: 'button',
    text: plainText(spec.text, LIMITS.buttonText),
    action_id: spec.actionId,
    value: spec.value.slice(0, LIMITS.buttonValue),
  };
  if (spec.style) b.style = spec.style;
  if (spec.confirm) {
    b.confirm = {
      title: plainText(spec.confirm.title, LIMITS.confirmTitle),
      text: mrkdwnText(spec.confirm.text, LIMITS.confirmText),
      confirm: plainText(spec.confirm.confirm, LIMITS.buttonText),
      deny: plainText(spec.confirm.deny, LIMITS.buttonText),
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

/** Keeps a message within 50 blocks, saying how many `what`s were left out. */
function fitBlocks(blocks: Block[], what: string): Block[] {
  if (blocks.length <= LIMITS.blocks) return blocks;
  const kept = blocks.slice(0, LIMITS.blocks - 1);
  return [
    ...kept,
    context(md`…and ${plural(blocks.length - kept.length, `more ${what}`, `more ${what}s`)} not shown.`),
  ];
}

/**
 * A whole message. `text` is the notification text: Slack reads it as mrkdwn too, so it is
 * composed like the blocks. `what` names one block's worth of content (`run`, `template`).
 */
export function message(text: Mrkdwn, blocks: Block[], what = 'item'): SlackMessage {
  return { text: truncateMrkdwn(text.mrkdwn, LIMITS.fallbackText), blocks: fitBlocks(blocks, what) };
}

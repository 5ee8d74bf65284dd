import assert from 'node:assert/strict';
import type { types } from '@slack/bolt';
import type { SlackMessage } from '../../src/views/blocks/block-kit.ts';

/**
 * Checks on what a Block Kit view would post (a message, or a modal or Home tab view): Slack's
 * limits, and that no outside text became markup. Used by the view tests and their property
 * tests (with test/support/hostile-text.ts).
 */

/** The `<…>` tokens Trainyard itself writes: mentions of ids it holds, and dates. */
function trainyardToken(allowedMentions: ReadonlySet<string>): RegExp {
  const ids = [...allowedMentions].map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const mention = ids.length ? `<@(?:${ids.join('|')})>` : '(?!)';
  return new RegExp(`${mention}|<!date\\^\\d+\\^\\{[a-z_]+\\}(?: \\{[a-z_]+\\})*\\|[0-9TZ:.-]+>`, 'g');
}

const around = (text: string, at: number) => JSON.stringify(text.slice(Math.max(0, at - 40), at + 40));

/**
 * Fails unless `text` is mrkdwn in which every `<…>` is one Trainyard wrote (a mention of one of
 * `allowedMentions`, a date), every `&` starts an entity, and code fences and spans are balanced.
 */
export function assertSafeMrkdwn(text: string, allowedMentions: Iterable<string> = [], where = 'text'): void {
  const rest = text.replace(trainyardToken(new Set(allowedMentions)), '');
  for (const ch of ['<', '>']) {
    const at = rest.indexOf(ch);
    assert.equal(at, -1, `${where}: a raw "${ch}" Trainyard did not write, near ${around(rest, at)}`);
  }
  const badEntity = /&(?!amp;|lt;|gt;)/.exec(rest);
  assert.equal(badEntity, null, `${where}: an unescaped "&" near ${around(rest, badEntity?.index ?? 0)}`);
  const fences = text.split('```').length - 1;
  assert.equal(fences % 2, 0, `${where}: ${fences} code fences, so one is left open`);
  const ticks = text.split('`').length - 1;
  assert.equal(ticks % 2, 0, `${where}: an odd number of backticks (${ticks}), so a code span is left open`);
}

interface Composite {
  type?: string;
  text?: unknown;
  [key: string]: unknown;
}

/** Every text object (mrkdwn or plain_text) in the blocks, with where it is. */
function textObjects(value: unknown, path: string, out: { path: string; obj: Composite }[] = []) {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      textObjects(v, `${path}[${i}]`, out);
    });
  } else if (value && typeof value === 'object') {
    const obj = value as Composite;
    if ((obj.type === 'mrkdwn' || obj.type === 'plain_text') && typeof obj.text === 'string')
      out.push({ path, obj });
    for (const [key, v] of Object.entries(obj)) textObjects(v, `${path}.${key}`, out);
  }
  return out;
}

interface BlockJson {
  type: string;
  text?: { text: string };
  fields?: { text: string }[];
  elements?: {
    type?: string;
    text: { text: string };
    value?: string;
    confirm?: { title: { text: string }; text: { text: string } };
  }[];
}

/** Fails unless the message respects every Block Kit limit Slack enforces. */
export function assertWithinLimits(msg: SlackMessage): void {
  assert.ok(msg.text.length > 0 && msg.text.length <= 3000, 'fallback text present and bounded');
  assert.ok(msg.blocks.length <= 50, `at most 50 blocks, got ${msg.blocks.length}`);
  for (const block of msg.blocks as unknown as BlockJson[]) {
    if (block.type === 'header') assert.ok((block.text?.text.length ?? 0) <= 150, 'header ≤ 150');
    if (block.type === 'section') {
      if (block.text) {
        assert.ok(block.text.text.length <= 3000, `section text ≤ 3000, got ${block.text.text.length}`);
      }
      if (block.fields) {
        assert.ok(block.fields.length <= 10, 'at most 10 fields');
        for (const f of block.fields) assert.ok(f.text.length <= 2000, 'field ≤ 2000');
      }
      assert.ok(block.text || block.fields?.length, 'a section carries text');
    }
    if (block.type === 'actions') {
      for (const e of block.elements ?? []) {
        assert.ok(e.text.text.length <= 75, `button text ≤ 75, got ${e.text.text.length}`);
        assert.ok((e.value ?? '').length <= 2000, 'button value ≤ 2000');
        if (e.confirm) {
          assert.ok(e.confirm.title.text.length <= 100, 'confirm title ≤ 100');
          assert.ok(e.confirm.text.text.length <= 300, 'confirm text ≤ 300');
        }
      }
    }
    if (block.type === 'context') {
      assert.ok((block.elements?.length ?? 0) <= 10, 'context ≤ 10 elements');
      // A context's elements are text objects themselves.
      for (const e of (block.elements ?? []) as unknown as { text: string }[]) {
        assert.ok(e.text.length <= 3000, 'context text ≤ 3000');
      }
    }
  }
}

/**
 * Fails unless the message is within Slack's limits and no mrkdwn in it (the notification text
 * included) holds a `<…>` that Trainyard did not write, an unescaped `&`, or an open code span
 * or fence. `allowedMentions` are the user ids Trainyard itself mentions in this message.
 */
export function assertSafeSlackMessage(msg: SlackMessage, allowedMentions: Iterable<string> = []): void {
  const allowed = [...allowedMentions];
  assertWithinLimits(msg);
  assertSafeMrkdwn(msg.text, allowed, 'notification text');
  assertSafeTexts(msg.blocks, 'blocks', allowed);
}

/** Every mrkdwn text in `value` is safe; every plain_text is one line, not empty. */
function assertSafeTexts(value: unknown, path: string, allowed: readonly string[]): void {
  for (const { path: at, obj } of textObjects(value, path)) {
    // plain_text is shown as written (Slack parses no markup in it): only its form matters.
    if (obj.type === 'mrkdwn') assertSafeMrkdwn(obj.text as string, allowed, at);
    else assert.ok(!/[\r\n]/.test(obj.text as string) && obj.text !== '', `${at}: plain text on one line`);
  }
}

interface AnyJson {
  [key: string]: unknown;
}

/** Every object in some JSON, depth first. */
function objectsOf(value: unknown): AnyJson[] {
  if (!value || typeof value !== 'object') return [];
  const own = Array.isArray(value) ? [] : [value as AnyJson];
  return [...own, ...Object.values(value).flatMap(objectsOf)];
}

const textOf = (o: unknown): string => ((o as AnyJson).text as string) ?? '';

/**
 * Fails unless a modal or Home tab view respects every limit Slack enforces on views: 100 blocks,
 * a title and buttons of 24, unique block ids, labels, hints, placeholders, options, and inputs
 * that start with a value they can hold.
 */
function assertViewWithinLimits(view: types.View): void {
  assert.ok(view.blocks.length <= 100, `at most 100 blocks, got ${view.blocks.length}`);
  if (view.type === 'modal') {
    assert.ok(view.title.text.length <= 24, `title ≤ 24: ${view.title.text}`);
    assert.ok((view.submit?.text.length ?? 0) <= 24 && (view.close?.text.length ?? 0) <= 24, 'buttons ≤ 24');
    const hasInputs = view.blocks.some((b) => b.type === 'input');
    if (hasInputs) assert.ok(view.submit, 'a view with inputs has a submit button');
  }
  assert.ok((view.private_metadata ?? '').length <= 3000, 'private_metadata ≤ 3000');
  assert.ok((view.callback_id ?? '').length <= 255, 'callback_id ≤ 255');
  const blockIds = new Set<string>();
  for (const block of view.blocks as unknown as AnyJson[]) {
    const id = block.block_id as string | undefined;
    if (id !== undefined) {
      assert.ok(id.length <= 255, 'block_id ≤ 255');
      assert.ok(!blockIds.has(id), `block_id ${id} is unique`);
      blockIds.add(id);
    }
    if (block.type === 'header') assert.ok(textOf(block.text).length <= 150, 'header ≤ 150');
    if (block.type === 'section' && block.text)
      assert.ok(textOf(block.text).length <= 3000, 'section ≤ 3000');
    if (block.type === 'context')
      assert.ok((block.elements as unknown[]).length <= 10, 'context ≤ 10 elements');
    if (block.type === 'input') {
      assert.ok(textOf(block.label).length <= 2000, 'label ≤ 2000');
      if (block.hint) assert.ok(textOf(block.hint).length <= 2000, 'hint ≤ 2000');
    }
  }
  for (const o of objectsOf(view.blocks)) {
    if (typeof o.action_id === 'string') assert.ok(o.action_id.length <= 255, 'action_id ≤ 255');
    if (o.type === 'button') {
      assert.ok(textOf(o.text).length <= 75, 'button text ≤ 75');
      assert.ok(((o.value as string) ?? '').length <= 2000, 'button value ≤ 2000');
    }
    if (o.placeholder) assert.ok(textOf(o.placeholder).length <= 150, 'placeholder ≤ 150');
    if (Array.isArray(o.options)) {
      assert.ok(o.options.length <= (o.type === 'checkboxes' ? 10 : 100), 'option count');
      for (const option of o.options as AnyJson[]) {
        assert.ok(textOf(option.text).length <= 75, 'option text ≤ 75');
        assert.ok((option.value as string).length <= 150, 'option value ≤ 150');
        if (option.description) assert.ok(textOf(option.description).length <= 75, 'option description ≤ 75');
      }
    }
    if (typeof o.initial_value === 'string' && typeof o.max_length === 'number') {
      assert.ok(o.initial_value.length <= o.max_length, 'initial value within max_length');
    }
    if (o.type === 'number_input' && typeof o.initial_value === 'string') {
      assert.match(o.initial_value, /^-?\d+(\.\d+)?$/, 'a number input starts with plain decimals');
      const n = Number(o.initial_value);
      if (typeof o.min_value === 'string') assert.ok(n >= Number(o.min_value), 'initial value ≥ min');
      if (typeof o.max_value === 'string') assert.ok(n <= Number(o.max_value), 'initial value ≤ max');
    }
    if (o.type === 'mrkdwn' || o.type === 'plain_text') assert.ok(textOf(o).length <= 3000, 'text ≤ 3000');
  }
}

/**
 * Fails unless a modal or Home tab view is within Slack's limits on views and no mrkdwn in it
 * holds markup that outside text put there (see assertSafeSlackMessage); its title, labels,
 * hints and options are plain text on one line.
 */
export function assertSafeView(view: types.View, allowedMentions: Iterable<string> = []): void {
  assertViewWithinLimits(view);
  assertSafeTexts(view, 'view', [...allowedMentions]);
}

// C0 (tab included), DEL, C1, ESC sequences, and bidirectional overrides/isolates.
const TERMINAL_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/**
 * Fails unless no control character reaches the terminal: text views may put line breaks only
 * between lines (pass the lines as an array to forbid them altogether, as a live card needs).
 */
export function assertSafeTerminalText(output: string | readonly string[]): void {
  const lines = typeof output === 'string' ? output.split('\n') : output;
  lines.forEach((line, i) => {
    assert.equal(typeof line, 'string');
    const bad = TERMINAL_CONTROL.exec(line);
    assert.equal(
      bad,
      null,
      `line ${i}: control character U+${bad?.[0].charCodeAt(0).toString(16).padStart(4, '0')} in ${JSON.stringify(line.slice(0, 120))}`,
    );
    if (typeof output !== 'string') assert.ok(!line.includes('\n'), `line ${i} holds a line break`);
    assert.ok(!/[\u2028\u2029]/.test(line), `line ${i} holds a Unicode line separator`);
  });
}

import assert from 'node:assert/strict';
import type { SlackMessage } from '../../src/views/blocks/block-kit.ts';

/**
 * Checks on what a Block Kit view would post: Slack's limits, and that no outside text became
 * markup. Used by the view tests and their property tests (with test/support/hostile-text.ts).
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
  for (const { path, obj } of textObjects(msg.blocks, 'blocks')) {
    // plain_text is shown as written (Slack parses no markup in it): only its form matters.
    if (obj.type === 'mrkdwn') assertSafeMrkdwn(obj.text as string, allowed, path);
    else assert.ok(!/[\r\n]/.test(obj.text as string) && obj.text !== '', `${path}: plain text on one line`);
  }
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

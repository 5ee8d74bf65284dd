import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { COMMAND_VERBS, parseCommand } from '../../../src/core/command/parse-command.ts';

// Pieces that stress the tokenizer and the Slack decoding when glued together at random.
// biome-ignore format: a long flat list of short pieces reads better packed
const TRICKY_PIECES = [
  '"', "'", '“', '”', '‘', '’', '\\', '<', '>', '&', '&amp;', '&lt;', '&gt;', '=', '--', '-', '#', '@',
  ' ', '  ', '\u00A0', '\t', '\n', '\u200B', '<@U1|bob>', '<http://x.io|x>', '/train', 'r-', '42', '0',
  'status', 'stop', 'rerun', 'schedule', 'pause', 'help', 'model=', 'demo', '--tz', '--policy', '--name',
  '"0 6 * * *"', 'é', '😀', '\uD800', 'sweep', 'sweeps', 'lr=', '[', ']', '(', ')', ',', ', ', 'uniform(',
  'range(1,', '--algo', '--trials', '1e-4',
];

const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.array(fc.constantFrom(...TRICKY_PIECES), { maxLength: 40 }).map((pieces) => pieces.join('')),
  fc.array(fc.constantFrom(...TRICKY_PIECES), { maxLength: 40 }).map((pieces) => pieces.join(' ')),
);

describe('parseCommand properties', () => {
  it('never throws, and answers with a command or one non-empty line of error', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const result = parseCommand(text);
        if (result.ok) {
          assert.equal(typeof result.command.verb, 'string');
        } else {
          assert.ok(result.error.trim().length > 0, 'error is empty');
          assert.doesNotMatch(result.error, /[\r\n\u2028\u2029]/, 'error spans lines');
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('reads back search spaces typed with or without spaces after the commas', () => {
    const number = fc.oneof(
      fc.integer({ min: -1000, max: 1000 }).map(String),
      fc.constantFrom('1e-4', '0.5', '.25', '1E3', '-2.5e-3'),
    );
    const separator = fc.constantFrom(',', ', ', ' ,', ' , ');
    const space = fc.oneof(
      fc.array(number, { minLength: 1, maxLength: 5 }).chain((items) =>
        fc.array(separator, { minLength: items.length, maxLength: items.length }).map((seps) => {
          return `[${items.map((item, i) => (i === 0 ? item : seps[i] + item)).join('')}]`;
        }),
      ),
      fc
        .tuple(fc.constantFrom('range', 'uniform', 'loguniform', 'randint'), number, separator, number)
        .map(([fn, a, sep, b]) => `${fn}(${a}${sep}${b})`),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/), space), {
          selector: ([name]) => name,
          minLength: 1,
          maxLength: 5,
        }),
        (params) => {
          const text = `sweep demo ${params.map(([name, value]) => `${name}=${value}`).join(' ')} --trials 5`;
          const result = parseCommand(slackEscape(text));
          assert.ok(result.ok, `${text} → ${result.ok ? '' : result.error}`);
          assert.deepEqual(result.command, {
            verb: 'sweep',
            template: 'demo',
            params: Object.fromEntries(params),
            options: { trials: '5' },
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reads back the params and options of any well-formed launch, as Slack would send it', () => {
    fc.assert(
      fc.property(launchText, ({ text, template, params, options }) => {
        const result = parseCommand(slackEscape(text));
        assert.ok(result.ok, `${text} → ${result.ok ? '' : result.error}`);
        assert.deepEqual(result.command, { verb: 'launch', template, params, options });
      }),
      { numRuns: 1000 },
    );
  });
});

/** What Slack does to the text a user typed before sending it to the bot. */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Writes a value the way the README tells users to: in double quotes when it is not a plain word. */
function quote(value: string): string {
  const plain = value !== '' && !/[\s"'\\=]/.test(value) && !value.startsWith('-');
  return plain ? value : `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

// biome-ignore format: a long flat list of single characters reads better packed
const VALUE_CHARS = [
  'a', 'Z', '0', '9', ' ', '-', '_', '.', '$', '(', ')', ';', '|', '&', '<', '>', '=', '"', "'", '\\', '/',
  '*', '`', '#', '@', '!', '?', ',', ':', 'é', '日', '😀',
];
const value = fc.string({ unit: fc.constantFrom(...VALUE_CHARS), maxLength: 30 });

const templateName = fc
  .stringMatching(/^[a-z][a-z0-9-]{0,20}$/)
  .filter((name) => !(COMMAND_VERBS as readonly string[]).includes(name));
const paramName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,15}$/).filter((name) => name !== 'model');
// --ref takes only a git ref name (checked by the parser), so random values are not for it.
const optionName = fc.stringMatching(/^[a-z][a-z0-9_-]{0,12}$/).filter((name) => name !== 'ref');
const separator = fc.constantFrom(' ', '  ', '\u00A0', '\t', ' \n ');

type Piece = { order: number; word: string };

const launchText = fc
  .record({
    template: templateName,
    templateAsModel: fc.boolean(),
    params: fc.uniqueArray(fc.tuple(paramName, value), { selector: ([name]) => name, maxLength: 8 }),
    options: fc.uniqueArray(fc.tuple(optionName, value, fc.boolean()), {
      selector: ([name]) => name,
      maxLength: 4,
    }),
    orders: fc.array(fc.nat(), { minLength: 13, maxLength: 13 }),
    separators: fc.array(separator, { minLength: 14, maxLength: 14 }),
  })
  .map(({ template, templateAsModel, params, options, orders, separators }) => {
    const pieces: Piece[] = [
      ...params.map(([name, v], i) => ({ order: orders[i], word: `${name}=${quote(v)}` })),
      ...options.map(([name, v, inline], i) => ({
        order: orders[8 + i],
        word: inline ? `--${name}=${quote(v)}` : `--${name} ${quote(v)}`,
      })),
    ];
    if (templateAsModel) pieces.push({ order: orders[12], word: `model=${template}` });
    pieces.sort((a, b) => a.order - b.order);
    const words = templateAsModel ? pieces.map((p) => p.word) : [template, ...pieces.map((p) => p.word)];
    return {
      text: words.map((word, i) => separators[i] + word).join(''),
      template,
      params: Object.fromEntries(params),
      options: Object.fromEntries(options.map(([name, v]) => [name, v])),
    };
  });

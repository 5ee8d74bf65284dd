import fc from 'fast-check';

/**
 * Strings a user, a job's log, a cluster message or a template might carry that would do harm
 * if posted raw: Slack mass mentions, user and channel mentions, links and dates, entities that
 * are already escaped, code fences, terminal escape sequences and other control characters,
 * bidirectional overrides, emoji, very long text. For every view that shows outside text:
 * generate its fields with `hostileText()` and check the output with view-checks.ts.
 */
export const HOSTILE_SAMPLES: readonly string[] = [
  '<!channel>',
  'boom <!channel>',
  '<!here|x>',
  '<!everyone>',
  '<!subteam^S0123|@ml-team>',
  '<!date^1700000000^{date}|now>',
  '<@U1>',
  '<@U123>',
  '<@U123|alice>',
  '<#C1>',
  '<#C1|general>',
  '<https://evil.example|click here>',
  '&lt;!channel&gt;',
  '&amp;lt;@U1&amp;gt;',
  '&',
  '<',
  '>',
  '`',
  '``',
  '```',
  '```\n<!channel>\n```',
  '`a` ``b`` ```c```',
  '*bold* _italic_ ~strike~ >quote',
  'line one\nline two',
  'carriage\rreturn',
  '\r\n',
  '\u001b[31mred\u001b[0m',
  '\u001b[2J\u001b[H',
  '\u001b]0;owned\u0007',
  '\u001b]8;;https://evil.example\u001b\\link\u001b]8;;\u001b\\',
  '\u009b2J',
  '\u0000\u0007\u0008\u007f',
  'tab\there',
  '\u202eevil\u202c',
  '\u2028\u2029',
  '🚂🔥👩‍👩‍👧',
  'é͂ ﷽',
];

/** Characters that combine into mentions, entities, fences and escapes when strung together. */
const BUILDING_BLOCKS = fc.constantFrom(
  '<',
  '>',
  '&',
  '!',
  '@',
  '#',
  '|',
  '^',
  '`',
  ';',
  'U',
  'C',
  '1',
  'channel',
  'here',
  'lt',
  'gt',
  'amp',
  ' ',
  '\n',
  '\r',
  '\u001b',
  '[',
  ']',
  '\u0007',
  '\u009b',
  '🚂',
);

const sample = fc.constantFrom(...HOSTILE_SAMPLES);

const piece = fc.oneof(
  { weight: 3, arbitrary: sample },
  { weight: 2, arbitrary: fc.string({ unit: BUILDING_BLOCKS, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
);

/** Any hostile string: a few pieces strung together, or one repeated far past Slack's limits. */
export function hostileText(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.array(piece, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('')) },
    {
      weight: 1,
      arbitrary: fc.tuple(sample, fc.integer({ min: 50, max: 900 })).map(([s, n]) => s.repeat(n)),
    },
  );
}

/** A hostile string that is also never empty (for fields that must hold something). */
export function hostileWord(): fc.Arbitrary<string> {
  return hostileText().map((s) => s || '<!channel>');
}

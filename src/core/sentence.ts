/**
 * A sentence for people that may hold Trainyard's own markup: a mention of a user Trainyard
 * named itself, or a command shown as code. Everything else in it is plain text, whoever wrote
 * it: the views escape the text and then apply the markup, so a `<!channel>` typed by a user or
 * printed by a job can never become a mention, while the ids Trainyard put in stay mentions.
 *
 * A plain string is a sentence with no markup, so most replies stay simple strings.
 */
export type SentencePart = string | { readonly user: string } | { readonly code: string };
export type Sentence = string | readonly SentencePart[];

/** A user mention, written by Trainyard (the id comes from Slack or the store, never from text). */
export const userMention = (id: string): SentencePart => ({ user: id });

/** A command or name shown as code, e.g. `/train help`. */
export const codeText = (text: string): SentencePart => ({ code: text });

/**
 * Builds a sentence: the literal parts and interpolated strings are plain text, interpolated
 * parts keep their markup. `sentence\`Only ${userMention(id)} may stop run #${n}.\``
 */
export function sentence(
  literals: TemplateStringsArray,
  ...values: ReadonlyArray<string | number | SentencePart>
): SentencePart[] {
  const parts: SentencePart[] = [];
  literals.forEach((literal, i) => {
    if (literal) parts.push(literal);
    if (i < values.length) {
      const value = values[i];
      parts.push(typeof value === 'number' ? String(value) : value);
    }
  });
  return parts;
}

/** The parts of a sentence, a plain string being one plain part. */
export function sentenceParts(s: Sentence): readonly SentencePart[] {
  return typeof s === 'string' ? [s] : s;
}

/**
 * The sentence as plain text, for logs, tests and other places without markup; mentions are
 * written by `mention` (`@U123` by default).
 */
export function sentenceText(s: Sentence, mention: (id: string) => string = (id) => `@${id}`): string {
  return sentenceParts(s)
    .map((part) => (typeof part === 'string' ? part : 'user' in part ? mention(part.user) : part.code))
    .join('');
}

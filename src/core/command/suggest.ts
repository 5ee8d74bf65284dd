/** Edit distance with transpositions (Damerau–Levenshtein, optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/**
 * The candidate closest to `input`, if it is close enough to be a plausible typo
 * (a third of the word may differ, at least one edit), for "did you mean" hints.
 */
export function suggest(input: string, candidates: Iterable<string>): string | undefined {
  const needle = input.toLowerCase();
  if (needle.length > 64) return undefined;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const dist = editDistance(needle, c.toLowerCase());
    if (dist < bestDistance) {
      best = c;
      bestDistance = dist;
    }
  }
  if (best === undefined || bestDistance === 0) return best;
  const allowed = Math.max(1, Math.floor(Math.max(needle.length, best.length) / 3));
  return bestDistance <= allowed ? best : undefined;
}

/**
 * `Did you mean "x"?` or an empty string, ready to append to a sentence. A candidate that differs
 * only in case is suggested too: `DEMO` is not the template `demo`, and saying so is the help.
 */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const s = suggest(input, candidates);
  return s !== undefined && s !== input ? ` Did you mean "${s}"?` : '';
}

/**
 * The answer to a launch of a template that does not exist: a did-you-mean over the templates
 * and the commands (a mistyped verb reads as a template name), then the templates there are.
 */
export function unknownTemplateError(
  name: string,
  templates: readonly string[],
  verbs: readonly string[],
): string {
  const names = [...templates].sort();
  const list = names.length ? ` Templates: ${names.join(', ')}.` : ' There are no templates yet.';
  return `Unknown template or command "${name}".${didYouMean(name, [...names, ...verbs])}${list}`;
}

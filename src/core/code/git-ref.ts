/**
 * The form of a git branch, tag or commit given in a template (`code.ref`) or at launch
 * (`--ref`). The ref ends up as an argument of `git clone`/`git checkout` in an init container,
 * so besides git's own rules (git check-ref-format) it must not look like an option.
 */

export const MAX_GIT_REF_LENGTH = 200;

const FORBIDDEN_CHARS = ['~', '^', ':', '?', '*', '[', '\\'];

/**
 * What is wrong with `ref` as the end of "… is not a git branch, tag or commit: it …", or
 * undefined when it is a well-formed ref. Whether it exists is for git to say.
 */
export function gitRefProblem(ref: string): string | undefined {
  if (ref === '') return 'is empty';
  if (ref.length > MAX_GIT_REF_LENGTH) return `is longer than ${MAX_GIT_REF_LENGTH} characters`;
  if (ref.startsWith('-')) return 'starts with "-", which git would read as an option';
  if (/[\s\u0000-\u001f\u007f]/.test(ref)) return 'contains a space or a control character';
  if (ref.includes('..')) return 'contains ".."';
  const bad = FORBIDDEN_CHARS.find((c) => ref.includes(c));
  if (bad) return `contains "${bad}"`;
  if (ref.includes('@{')) return 'contains "@{"';
  if (ref === '@') return 'is just "@"';
  if (ref.startsWith('/') || ref.endsWith('/') || ref.includes('//'))
    return 'has an empty part between slashes';
  if (ref.endsWith('.')) return 'ends with "."';
  const parts = ref.split('/');
  if (parts.some((p) => p.startsWith('.'))) return 'has a part that starts with "."';
  if (parts.some((p) => p.endsWith('.lock'))) return 'has a part that ends with ".lock"';
  return undefined;
}

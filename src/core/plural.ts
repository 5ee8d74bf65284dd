/**
 * `1 line`, `2 lines`, `0 lines`: a count with its noun in the right number. The plural is the
 * noun + `s` unless given (`plural(n, 'run was', 'runs were')`).
 */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

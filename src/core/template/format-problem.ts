import { basename, relative } from 'node:path';
import type { TemplateProblem } from './template.ts';

/** `file: field: message`, the form `trainyard check` prints; the file relative to `base` when given. */
export function formatProblem(problem: TemplateProblem, base?: string): string {
  const file = base === undefined ? basename(problem.file) : relative(base, problem.file) || problem.file;
  return [file, problem.field, problem.message].filter(Boolean).join(': ');
}

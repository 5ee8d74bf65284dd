import { basename, relative } from 'node:path';
import { didYouMean } from '../command/suggest.ts';
import type { Template, TemplateCatalog, TemplateProblem } from './template.ts';

export type FindTemplateResult = { ok: true; template: Template } | { ok: false; error: string };

/** `file: field: message`, the form `trainyard check` prints; the file relative to `base` when given. */
export function formatProblem(problem: TemplateProblem, base?: string): string {
  const file = base === undefined ? basename(problem.file) : relative(base, problem.file) || problem.file;
  return [file, problem.field, problem.message].filter(Boolean).join(': ');
}

/**
 * The template a command names, or one sentence: unknown names get a "did you mean" and the
 * list; a broken template is refused with the same problem `trainyard check` reports.
 */
export function findTemplate(catalog: TemplateCatalog, name: string): FindTemplateResult {
  // Phones capitalise the first word; template names are lowercase.
  const template = catalog.templates.get(name) ?? catalog.templates.get(name.toLowerCase());
  if (template) return { ok: true, template };
  const problems = catalog.broken.get(name) ?? catalog.broken.get(name.toLowerCase());
  if (problems?.length) {
    const more =
      problems.length > 1 ? ` (and ${problems.length - 1} more problem(s); run trainyard check)` : '';
    return {
      ok: false,
      error: `Template ${name} cannot be used until it is fixed: ${formatProblem(problems[0])}${more}`,
    };
  }
  const names = [...catalog.templates.keys()].sort();
  const list = names.length ? `the templates are ${names.join(', ')}` : 'there are no templates yet';
  return { ok: false, error: `There is no template "${name}"; ${list}.${didYouMean(name, names)}` };
}

import { loadConfig } from '../../config/env.ts';
import { formatProblem } from '../../core/template/format-problem.ts';
import { loadTemplates } from '../../core/template/load-templates.ts';
import type { TemplateProblem } from '../../core/template/template.ts';
import type { CliIo } from '../io.ts';

/** Every problem of the templates in `dir`: folder problems, then each broken template's. */
export async function checkTemplates(dir: string): Promise<TemplateProblem[]> {
  const catalog = await loadTemplates(dir);
  const problems = [...(catalog.problems ?? [])];
  for (const name of [...catalog.broken.keys()].sort()) problems.push(...(catalog.broken.get(name) ?? []));
  if (problems.length === 0 && catalog.templates.size === 0) {
    problems.push({
      file: dir,
      message: `There are no templates (*.yaml) in ${dir}; add one, e.g. a copy of demo.yaml.`,
    });
  }
  return problems;
}

/** `trainyard check`: exit 1 listing every problem as `file: field: message`, else 0 with a summary. */
export async function run(_args: string[], io: CliIo): Promise<number> {
  const { templatesDir } = loadConfig(io.env, io.cwd);
  const problems = await checkTemplates(templatesDir);
  if (problems.length) {
    for (const p of problems) io.stderr(`${formatProblem(p, io.cwd)}\n`);
    io.stderr(`${problems.length} problem(s) found.\n`);
    return 1;
  }
  const names = [...(await loadTemplates(templatesDir)).templates.keys()].sort();
  io.stdout(`${names.length} template(s) OK in ${templatesDir}: ${names.join(', ')}.\n`);
  return 0;
}

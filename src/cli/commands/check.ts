import { loadTemplates } from '../../adapters/templates/load-templates.ts';
import { loadConfig } from '../../config/env.ts';
import { checkPolicyFile } from '../../config/policy-file.ts';
import { plural } from '../../core/plural.ts';
import { formatProblem } from '../../core/template/format-problem.ts';
import type { TemplateProblem } from '../../core/template/template.ts';
import { terminalText } from '../../views/text/terminal.ts';
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

/**
 * `trainyard check`: every template and the policy file (TRAINYARD_CONFIG). Exit 1 listing every
 * problem as `file: field: message`, else 0 with a summary.
 */
export async function run(_args: string[], io: CliIo): Promise<number> {
  const { templatesDir, configFile } = loadConfig(io.env, io.cwd);
  const problems = (await checkTemplates(templatesDir)).map((p) => formatProblem(p, io.cwd));
  if (configFile) problems.push(...(await checkPolicyFile(configFile)));
  if (problems.length) {
    // Problems quote the template files, which may hold anything: no control character reaches the terminal.
    for (const p of problems) io.stderr(`${terminalText(p, 5000)}\n`);
    io.stderr(`${plural(problems.length, 'problem')} found.\n`);
    return 1;
  }
  const catalog = await loadTemplates(templatesDir);
  const names = [...catalog.templates.keys()].sort();
  io.stdout(`${plural(names.length, 'template')} OK in ${templatesDir}: ${names.join(', ')}.\n`);
  const pipelines = [...(catalog.pipelines?.keys() ?? [])].sort();
  if (pipelines.length) io.stdout(`${plural(pipelines.length, 'pipeline')} OK: ${pipelines.join(', ')}.\n`);
  if (configFile) io.stdout(`Policy file ${configFile} OK.\n`);
  return 0;
}

import { loadTemplates } from '../../adapters/templates/load-templates.ts';
import { loadConfig } from '../../config/env.ts';
import type { Pipeline } from '../../core/pipeline/pipeline.ts';
import { formatProblem } from '../../core/template/format-problem.ts';
import { describeAllowed } from '../../core/template/param-value.ts';
import type { ParamDef, Template } from '../../core/template/template.ts';
import { terminalText } from '../../views/text/terminal.ts';
import type { CliIo } from '../io.ts';

/** `trainyard templates`: each template with its params (type, default, allowed values, help), then broken ones. */
export async function run(_args: string[], io: CliIo): Promise<number> {
  const { templatesDir } = loadConfig(io.env, io.cwd);
  const catalog = await loadTemplates(templatesDir);
  for (const p of catalog.problems ?? []) io.stderr(`${terminalText(formatProblem(p, io.cwd), 5000)}\n`);

  const templates = [...catalog.templates.values()].sort((a, b) => a.name.localeCompare(b.name));
  io.stdout(templates.map(describeTemplate).join('\n'));
  const pipelines = [...(catalog.pipelines?.values() ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  for (const p of pipelines) io.stdout(`\n${describePipeline(p)}`);
  for (const name of [...catalog.broken.keys()].sort()) {
    const problems = catalog.broken.get(name) ?? [];
    io.stdout(`\n${terminalText(name)}  (broken; fix it and run trainyard check)\n`);
    for (const p of problems) io.stdout(`  ${terminalText(formatProblem(p, io.cwd), 5000)}\n`);
  }
  if (templates.length === 0 && pipelines.length === 0 && catalog.broken.size === 0)
    io.stdout(`No templates in ${templatesDir}.\n`);
  return catalog.problems?.length ? 1 : 0;
}

function describeTemplate(t: Template): string {
  // Descriptions and help come from the template files: shown as text, never as terminal controls.
  const head = `${t.name}${t.description ? `  ${terminalText(t.description)}` : ''}\n`;
  return `${head}${paramRows(t.params)}`;
}

/** A pipeline: its params as a template's, then its steps in the order they can run. */
function describePipeline(p: Pipeline): string {
  const head = `${p.name}  (pipeline)${p.description ? `  ${terminalText(p.description)}` : ''}\n`;
  const steps = p.steps.map((s) => {
    const needs = s.needs.length ? `  after ${s.needs.join(', ')}` : '';
    const matrix = s.matrix ? `  × ${Object.keys(s.matrix).join(', ')}` : '';
    return terminalText(`  step ${s.name}: ${s.template}${needs}${matrix}`, 2000);
  });
  return `${head}${paramRows(p.params)}${steps.join('\n')}\n`;
}

function paramRows(params: ParamDef[]): string {
  if (params.length === 0) return '  (no params)\n';
  const rows = params.map((p) => [
    p.name,
    p.type,
    defaultText(p),
    terminalText(`must be ${describeAllowed(p)}`),
    terminalText(p.help ?? ''),
  ]);
  const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => r[col].length)));
  const lines = rows.map((r) =>
    `  ${r.map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col]))).join('  ')}`.trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}

function defaultText(p: ParamDef): string {
  return p.required ? 'required' : `default ${String(p.default)}`;
}

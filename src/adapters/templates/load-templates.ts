import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { isPipelineFile } from '../../core/pipeline/is-pipeline.ts';
import { parsePipeline } from '../../core/pipeline/parse-pipeline.ts';
import { readTemplateYaml, templateFromData } from '../../core/template/parse-template.ts';
import type { Template, TemplateCatalog, TemplateProblem } from '../../core/template/template.ts';
import { listTemplateFiles, type TemplateFile } from './template-files.ts';

/** Template names become Job name prefixes and label values, so they must be DNS-1123 labels. */
const TEMPLATE_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
export const MAX_TEMPLATE_NAME = 40;

/** A pipeline file, read in the first pass and parsed once every template is known. */
interface PipelineText {
  name: string;
  file: string;
  data: unknown;
}

/**
 * Loads every `*.yaml` / `*.yml` in `dir` as a template named after the file, following symbolic
 * links (a ConfigMap mount is made of them). A file with `steps:` is a pipeline: it is read after
 * every ordinary template, since its steps are checked against them. A broken template or
 * pipeline, or a link to nothing, lands in `broken` with its problems while the others keep
 * working; a missing folder is reported in `problems`.
 */
export async function loadTemplates(dir: string): Promise<TemplateCatalog> {
  const root = resolve(dir);
  const catalog: TemplateCatalog = {
    templates: new Map(),
    pipelines: new Map(),
    broken: new Map(),
    problems: [],
  };
  const pipelineFiles: PipelineText[] = [];
  let files: TemplateFile[];
  try {
    files = await listTemplateFiles(root);
  } catch {
    catalog.problems?.push({
      file: root,
      message: `The template folder ${root} cannot be read; create it or point TRAINYARD_TEMPLATES at your templates.`,
    });
    return catalog;
  }

  const seen = new Map<string, string>();
  for (const entry of files) {
    const { fileName, path: file } = entry;
    const name = fileName.slice(0, -extname(fileName).length);
    const fail = (problems: TemplateProblem[]) => catalog.broken.set(name, problems);

    if (!entry.ok) {
      fail([{ file, message: entry.problem }]);
      continue;
    }
    if (!TEMPLATE_NAME.test(name) || name.length > MAX_TEMPLATE_NAME) {
      fail([
        {
          file,
          message: `The template name "${name}" must be at most ${MAX_TEMPLATE_NAME} lowercase letters, digits and -, starting and ending with a letter or digit; rename the file.`,
        },
      ]);
      continue;
    }
    const earlier = seen.get(name);
    if (earlier) {
      catalog.templates.delete(name);
      fail([{ file, message: `Both ${earlier} and ${fileName} define template ${name}; keep one of them.` }]);
      continue;
    }
    seen.set(name, fileName);

    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) {
      // E.g. a ConfigMap update swapped the files between listing and reading: the next read has it.
      fail([{ file, message: `${fileName} cannot be read; check that it exists and is readable.` }]);
      continue;
    }
    // Parsed once: the same data says whether it is a pipeline file, or makes the template.
    const yaml = readTemplateYaml(file, text);
    if (yaml.ok && isPipelineFile(yaml.data)) {
      pipelineFiles.push({ name, file, data: yaml.data });
      continue;
    }
    const result = yaml.ok ? templateFromData(name, file, join(root, name), yaml.data) : yaml;
    if (!result.ok) {
      fail(result.problems);
      continue;
    }
    result.template.hash = sha256(text);
    // The folder named like the template holds its files; an image-only template without one
    // runs in the template folder itself (a build always needs its own context).
    if (!result.template.raw.build && !(await isKind(result.template.dir, 'dir'))) result.template.dir = root;
    const missing = await missingBuildFiles(result.template);
    if (missing.length) fail(missing);
    else catalog.templates.set(name, result.template);
  }
  const brokenTemplates = new Map(catalog.broken);
  for (const { name, file, data } of pipelineFiles) {
    const result = parsePipeline(name, file, data, catalog.templates, brokenTemplates);
    if (result.ok) catalog.pipelines?.set(name, result.pipeline);
    else catalog.broken.set(name, result.problems);
  }
  return catalog;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A build section must point at a folder and a Dockerfile that exist, or every launch would fail. */
async function missingBuildFiles(template: Template): Promise<TemplateProblem[]> {
  const build = template.raw.build;
  if (!build) return [];
  const context = resolve(template.dir, build.context);
  if (!(await isKind(context, 'dir'))) {
    return [
      {
        file: template.file,
        field: 'build.context',
        message: `The build context ${context} is not a folder.`,
      },
    ];
  }
  const dockerfile = resolve(context, build.dockerfile);
  if (!(await isKind(dockerfile, 'file'))) {
    return [
      {
        file: template.file,
        field: 'build.dockerfile',
        message: `The Dockerfile ${dockerfile} does not exist.`,
      },
    ];
  }
  return [];
}

async function isKind(path: string, kind: 'dir' | 'file'): Promise<boolean> {
  try {
    const s = await stat(path);
    return kind === 'dir' ? s.isDirectory() : s.isFile();
  } catch {
    return false;
  }
}

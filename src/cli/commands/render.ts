import { loadConfig } from '../../config/env.ts';
import { parseCommand } from '../../core/command/parse-command.ts';
import { renderManifestYaml } from '../../core/render/job-manifest.ts';
import { previewJobs } from '../../core/render/preview-jobs.ts';
import { loadTemplates } from '../../core/template/load-templates.ts';
import type { CliIo } from '../io.ts';

/**
 * `trainyard render "<text>"`: prints the Job(s) a launch or schedule command would create,
 * as YAML with `#` notes on top; creates nothing. Bad input: one sentence on stderr, exit 2.
 */
export async function run(args: string[], io: CliIo): Promise<number> {
  if (args.length === 0) {
    io.stderr('Give the command to render in quotes, e.g. trainyard render "demo epochs=3".\n');
    return 2;
  }
  const config = loadConfig(io.env, io.cwd);
  const parsed = parseCommand(args.join(' '));
  if (!parsed.ok) {
    io.stderr(`${parsed.error}\n`);
    return 2;
  }
  const catalog = await loadTemplates(config.templatesDir);
  const preview = previewJobs(parsed.command, catalog, {
    namespace: config.namespace ?? 'default',
    registry: config.registry,
  });
  if (!preview.ok) {
    io.stderr(`${preview.error}\n`);
    return 2;
  }
  const notes = ['Preview: run number 0 and suffix xxxxx stand in for the real ones.', ...preview.notes].map(
    (n) => `# ${n}\n`,
  );
  io.stdout(notes.join('') + renderManifestYaml(preview.jobs));
  return 0;
}

import type { V1Job } from '@kubernetes/client-node';
import { renderManifestYaml } from '../../adapters/runtimes/kubernetes/job-manifest.ts';
import { loadTemplates } from '../../adapters/templates/load-templates.ts';
import { loadConfig } from '../../config/env.ts';
import { parseCommand } from '../../core/command/parse-command.ts';
import { checkScheduleName, defaultScheduleName } from '../../core/schedule/schedule-name.ts';
import { pipelineOptionsProblem } from '../../services/pipelines/launch-checks.ts';
import { commandNames, planLaunch } from '../../services/runs/plan-launch.ts';
import type { CliIo } from '../io.ts';
import { previewJob } from '../preview-job.ts';
import { previewPipeline } from '../preview-pipeline.ts';
import { previewSweep } from '../preview-sweep.ts';

/**
 * `trainyard render "<text>"`: prints the Job a launch or schedule command would create (for a
 * sweep, its first trial's, with how many trials it would run), as
 * YAML with `#` notes on top; creates nothing. It plans the run with the bot's own
 * planLaunch, so params, options and error sentences are exactly those of a real launch.
 * Bad input: one sentence on stderr, exit 2.
 */
export async function run(args: string[], io: CliIo): Promise<number> {
  if (args.length === 0) {
    io.stderr('Give the command to render in quotes, e.g. trainyard render "demo epochs=3".\n');
    return 2;
  }
  const config = loadConfig(io.env, io.cwd);
  const catalog = await loadTemplates(config.templatesDir);
  // Bad input: its sentence on stderr and exit 2; a preview: its notes as comments above the YAML.
  const refuse = (error: string) => {
    io.stderr(`${error}\n`);
    return 2;
  };
  const print = (notes: string[], jobs: V1Job[]) => {
    io.stdout(notes.map((n) => `# ${n}\n`).join('') + renderManifestYaml(jobs));
    return 0;
  };
  // Where and how the Kubernetes runtime would create the Jobs: every preview shows the same.
  const cluster = {
    namespace: config.namespace ?? 'default',
    registry: config.registry,
    artifactsClaim: config.artifactsClaim,
    gitImage: config.gitImage,
  };
  const parsed = parseCommand(args.join(' '), { templates: commandNames(catalog) });
  if (!parsed.ok) return refuse(parsed.error);
  const command = parsed.command;
  if (command.verb === 'sweep') {
    const preview = previewSweep(catalog, command, cluster);
    return preview.ok ? print(preview.notes, [preview.job]) : refuse(preview.error);
  }
  if (command.verb !== 'launch' && command.verb !== 'schedule') {
    return refuse(
      `render shows the Job of a launch, schedule or sweep command, e.g. "demo epochs=3", not "${command.verb}".`,
    );
  }
  const scheduleName =
    command.verb === 'schedule'
      ? (command.name ?? defaultScheduleName(command.template, new Set()))
      : undefined;
  const badName = scheduleName === undefined ? undefined : checkScheduleName(scheduleName);
  if (badName) return refuse(badName);
  const pipeline = catalog.pipelines?.get(command.template);
  if (pipeline && command.verb === 'launch') {
    const optionsProblem = pipelineOptionsProblem(command.options);
    if (optionsProblem) return refuse(optionsProblem);
    const preview = previewPipeline(catalog, pipeline, command.params, cluster);
    return preview.ok ? print(preview.notes, preview.jobs) : refuse(preview.error);
  }
  const options = command.verb === 'launch' ? command.options : {};
  const plan = planLaunch(catalog, command.template, command.params, options);
  if (!plan.ok) return refuse(plan.error);
  const { job, notes } = previewJob(plan.spec, {
    ...cluster,
    // Without --name the scheduler picks `<template>-<n>`; the preview shows the first such name.
    schedule: scheduleName,
  });
  if (command.verb === 'schedule') {
    notes.push(
      `Schedule "${command.cron}" creates a Job like this at each fire time, with its own number and suffix.`,
    );
  }
  return print(notes, [job]);
}

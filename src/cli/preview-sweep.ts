import type { V1Job } from '@kubernetes/client-node';
import type { Command } from '../core/command/command.ts';
import { plural } from '../core/plural.ts';
import { describeSpace } from '../core/sweep/space.ts';
import { seedFromSweepId } from '../core/sweep/sweep-seed.ts';
import type { TemplateCatalog } from '../core/template/template.ts';
import { planLaunch } from '../services/runs/plan-launch.ts';
import { planSweepCommand, trialMarks } from '../services/sweeps/plan-sweep-command.ts';
import { PREVIEW, type PreviewOptions, previewJob } from './preview-job.ts';

/** The sweep id `trainyard render` shows, as it shows run number 0. */
const PREVIEW_SWEEP_ID = 's-0000000000';

/**
 * `trainyard render "sweep …"`: the Job of the sweep's first trial, with notes that say how many
 * trials the sweep would run and how. Planned as the bot plans it, so a sweep it would refuse is
 * refused here with the same sentence.
 */
export function previewSweep(
  catalog: TemplateCatalog,
  command: Extract<Command, { verb: 'sweep' }>,
  /** As for a single run, the artifacts claim and git image included, so the Job is a launch's. */
  opts: Pick<PreviewOptions, 'namespace' | 'registry' | 'artifactsClaim' | 'gitImage'>,
): { ok: true; job: V1Job; notes: string[] } | { ok: false; error: string } {
  const plan = planSweepCommand(catalog, command, { seed: seedFromSweepId(PREVIEW_SWEEP_ID) });
  if (!plan.ok) return plan;
  const launch = planLaunch(catalog, plan.template.name, plan.firstTrial, plan.definition.launchOptions);
  if (!launch.ok) return launch;
  const { job, notes } = previewJob(launch.spec, {
    ...opts,
    run: { id: PREVIEW.id, number: PREVIEW.number, ...trialMarks(PREVIEW_SWEEP_ID, 1) },
  });
  const d = plan.definition;
  const spaces = d.spaces.map((s) => `${s.param}=${describeSpace(s.space)}`).join(' ');
  const how =
    d.algo === 'grid'
      ? `every combination of ${spaces}${plan.gridSize !== undefined && plan.gridSize > d.trials ? ` (the first ${d.trials} of ${plan.gridSize})` : ''}`
      : `${d.algo} search over ${spaces}`;
  notes.push(
    `Sweep: ${plural(d.trials, 'trial')}, ${how}, at most ${d.parallel} at a time, optimising ${d.metric} (${d.goal}).`,
    `This is trial 1 (${d.spaces.map((s) => `${s.param}=${plan.firstTrial[s.param]}`).join(' ')}); each trial is a Job like it with its own params, number and suffix, and the sweep's id (${PREVIEW_SWEEP_ID} here) in its trainyard.io/sweep label.`,
    ...plan.notes,
  );
  if (d.algo !== 'grid' && command.options.seed === undefined) {
    notes.push(
      'Without --seed each sweep draws its own values, so trial 1 of a real sweep differs from this one.',
    );
  }
  return { ok: true, job, notes };
}

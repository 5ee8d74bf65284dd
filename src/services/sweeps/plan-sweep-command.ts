import type { RawOptions, RawParams } from '../../core/command/command.ts';
import { ANNOTATIONS, LABELS } from '../../core/run/run-identity.ts';
import { planSweep } from '../../core/sweep/plan-sweep.ts';
import { suggestTrialParams } from '../../core/sweep/suggest-trial.ts';
import type { Sweep, SweepDefinition } from '../../core/sweep/sweep.ts';
import type { Template, TemplateCatalog } from '../../core/template/template.ts';
import type { LaunchRequest } from '../../ports/launcher.ts';
import { findTemplate, launchParams } from '../runs/plan-launch.ts';

export interface SweepCommandPlan {
  ok: true;
  template: Template;
  definition: SweepDefinition;
  /** For grid: how many combinations the spaces make. */
  gridSize?: number;
  /** Sentences for the launcher about what was capped (e.g. --parallel by the policy). */
  notes: string[];
  /** The params of trial 1, as a launch takes them. */
  firstTrial: RawParams;
}

/**
 * `/train sweep <template> …` planned as the bot runs it (and `trainyard render` previews it):
 * the template, the definition with every space checked, and trial 1's params; or the one
 * sentence saying what is wrong.
 */
export function planSweepCommand(
  catalog: TemplateCatalog,
  command: { template: string; params: RawParams; options: RawOptions },
  context: { seed: number; maxParallelTrials?: number },
): SweepCommandPlan | { ok: false; error: string } {
  const found = findTemplate(catalog, command.template);
  if (!found.ok) return found;
  const plan = planSweep(found.template, command.params, command.options, {
    defaultSeed: context.seed,
    maxParallelTrials: context.maxParallelTrials,
  });
  if (!plan.ok) return plan;
  return {
    ok: true,
    template: found.template,
    definition: plan.definition,
    ...(plan.gridSize !== undefined && { gridSize: plan.gridSize }),
    notes: plan.notes,
    firstTrial: launchParams(suggestTrialParams(plan.definition, 1, [])),
  };
}

/** The labels and annotation that tie a trial's Job and pod to its sweep (DESIGN "Sweeps"). */
export function trialMarks(sweepId: string, index: number): Pick<LaunchRequest, 'labels' | 'annotations'> {
  return { labels: { [LABELS.sweep]: sweepId }, annotations: { [ANNOTATIONS.trial]: String(index) } };
}

/**
 * The launch of one trial: the sweep's template with the trial's params and the sweep's launch
 * options, as the launcher in the sweep's channel, quiet (the sweep card reports for it), one
 * unit of work with its siblings, and marked with the sweep's label and its trial index.
 */
export function trialRequest(
  sweep: Pick<Sweep, 'id' | 'number' | 'template' | 'launchedBy' | 'channel'> & {
    definition: Pick<SweepDefinition, 'launchOptions'>;
  },
  index: number,
  params: RawParams,
): LaunchRequest {
  return {
    template: sweep.template,
    params,
    options: sweep.definition.launchOptions,
    user: sweep.launchedBy,
    channel: sweep.channel,
    origin: { kind: 'sweep', sweepId: sweep.id, sweepNumber: sweep.number, trial: index },
    parent: { kind: 'sweep', id: sweep.id },
    quiet: true,
    ...trialMarks(sweep.id, index),
  };
}

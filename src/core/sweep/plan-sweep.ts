import type { RawOptions, RawParams } from '../command/command.ts';
import { didYouMean } from '../command/suggest.ts';
import { showInput } from '../command/tokenize.ts';
import type { Params } from '../run/run.ts';
import { describeAllowed } from '../template/param-value.ts';
import type { Template } from '../template/template.ts';
import { checkParamValue } from './check-space.ts';
import { formatCount } from './format.ts';
import { countValues, describeSpace, type ParamSpace } from './space.ts';
import type { SweepAlgo, SweepDefinition, SweepGoal } from './sweep.ts';
import {
  DEFAULT_LAUNCH_OPTIONS,
  DEFAULT_PARALLEL,
  DEFAULT_TRIALS,
  MAX_GRID_POINTS,
  MAX_TRIALS,
  readSweepOptions,
  type SweepOptions,
} from './sweep-options.ts';

/** What planSweep needs beyond the command: the seed to use without `--seed`, and policy caps. */
export interface PlanSweepContext {
  /** The seed when the command gives no `--seed`; pass seedFromSweepId(id). Default 0. */
  defaultSeed?: number;
  /** The policy's `maxParallelTrials`: more trials than this never run at once. */
  maxParallelTrials?: number;
  /** Launch options passed on to each trial (default `gpu`, `cpu`, `memory`). */
  launchOptions?: readonly string[];
}

export type SweepPlan =
  | {
      ok: true;
      definition: SweepDefinition;
      /** For grid: how many combinations the spaces make (trials may be fewer with --trials). */
      gridSize?: number;
      /** Sentences to tell the launcher about defaults that were capped (e.g. by the policy). */
      notes: string[];
    }
  | { ok: false; error: string };

/**
 * Turns `/train sweep <template> …` into a sweep definition, or one sentence saying what is wrong
 * and what is allowed. Pure: nothing is launched, and every value any trial could get has been
 * checked against the template's params (type and bounds) before this returns ok.
 */
export function planSweep(
  template: Template,
  rawParams: RawParams,
  rawOptions: RawOptions,
  context: PlanSweepContext = {},
): SweepPlan {
  const read = readSweepOptions(rawOptions, context.launchOptions ?? DEFAULT_LAUNCH_OPTIONS);
  if (!read.ok) return read;
  const { options } = read;

  const values = readParams(template, rawParams);
  if ('error' in values) return { ok: false, error: values.error };
  const { spaces, fixed } = values;
  if (spaces.length === 0) {
    return {
      ok: false,
      error:
        'A sweep needs at least one param with a search space, e.g. lr=[0.01,0.1] or lr=loguniform(1e-4,1e-1).',
    };
  }

  const objective = readObjective(template, options);
  if ('error' in objective) return { ok: false, error: objective.error };

  const notes: string[] = [];
  const enumerable = spaces.every((s) => s.space.kind === 'list' || s.space.kind === 'range');
  const algo: SweepAlgo = options.algo ?? (enumerable ? 'grid' : 'tpe');
  let trials: number;
  let gridSize: number | undefined;
  if (algo === 'grid') {
    const grid = planGrid(spaces, options);
    if ('error' in grid) return { ok: false, error: grid.error };
    ({ trials, gridSize } = grid);
    if (grid.note) notes.push(grid.note);
  } else {
    trials = options.trials ?? DEFAULT_TRIALS;
  }

  let parallel = options.parallel ?? DEFAULT_PARALLEL;
  const cap = context.maxParallelTrials;
  if (cap !== undefined && parallel > cap) {
    notes.push(
      `This workspace runs at most ${formatCount(cap)} trials of a sweep at once, so ${formatCount(cap)} run at a time instead of ${formatCount(parallel)}.`,
    );
    parallel = cap;
  }
  // More trials at once than the sweep has would only read wrong on the card.
  parallel = Math.max(1, Math.min(parallel, trials));

  const definition: SweepDefinition = {
    spaces,
    fixed,
    algo,
    trials,
    parallel,
    metric: objective.metric,
    goal: objective.goal,
    earlyStop: options.earlyStop ?? 'none',
    seed: options.seed ?? context.defaultSeed ?? 0,
    launchOptions: read.launchOptions,
  };
  return gridSize === undefined ? { ok: true, definition, notes } : { ok: true, definition, gridSize, notes };
}

/** Sorts the command's params into spaces and fixed values, each checked against its param. */
function readParams(
  template: Template,
  raw: RawParams,
): { spaces: ParamSpace[]; fixed: Params } | { error: string } {
  const byName = new Map(template.params.map((p) => [p.name, p]));
  const names = [...byName.keys()];
  const spaces: ParamSpace[] = [];
  const given: Params = {};
  for (const [name, value] of Object.entries(raw)) {
    const def = byName.get(name);
    if (!def) {
      const list = names.length ? `its params are ${names.join(', ')}` : 'it takes no params';
      return {
        error: `${template.name} has no param ${showInput(name)}; ${list}.${didYouMean(name, names)}`,
      };
    }
    const checked = checkParamValue(def, value);
    if (!checked.ok) return { error: checked.error };
    if (checked.kind === 'space') spaces.push({ param: name, space: checked.space });
    else given[name] = checked.value;
  }
  const fixed: Params = {};
  const searched = new Set(spaces.map((s) => s.param));
  for (const def of template.params) {
    if (searched.has(def.name)) continue;
    if (Object.hasOwn(given, def.name)) fixed[def.name] = given[def.name];
    else if (def.default !== undefined) fixed[def.name] = def.default;
    else {
      return {
        error: `${template.name} needs ${def.name} (${describeAllowed(def)}); add ${def.name}=<value>, or a list such as ${def.name}=[a,b] to search it.`,
      };
    }
  }
  return { spaces, fixed };
}

function readObjective(
  template: Template,
  options: SweepOptions,
): { metric: string; goal: SweepGoal } | { error: string } {
  const objective = template.objective;
  const metric = options.metric ?? objective?.metric;
  if (metric === undefined) {
    return {
      error: `This sweep has no metric to optimise; add --metric <name> --goal min|max (e.g. --metric loss --goal min), or give the ${template.name} template an objective.`,
    };
  }
  // The template's goal belongs to its own metric; another metric needs its own direction.
  const goal = options.goal ?? (objective?.metric === metric ? objective.goal : undefined);
  if (goal === undefined) {
    return {
      error: `--metric ${metric} needs a direction; add --goal min (lower is better) or --goal max (higher is better).`,
    };
  }
  return { metric, goal };
}

function planGrid(
  spaces: ParamSpace[],
  options: SweepOptions,
): { trials: number; gridSize: number; note?: string } | { error: string } {
  let gridSize = 1;
  for (const { param, space } of spaces) {
    const count = countValues(space);
    if (count === undefined) {
      return {
        error: `--algo grid tries every combination, but ${param}=${describeSpace(space)} is not a list or a range; give ${param} a list or range(start,stop,step), or use --algo random or --algo tpe.`,
      };
    }
    gridSize *= count;
    if (gridSize > MAX_GRID_POINTS) {
      return {
        error: `This grid has more than ${formatCount(MAX_GRID_POINTS)} combinations; use fewer values, or --algo random or --algo tpe with --trials.`,
      };
    }
  }
  if (options.trials === undefined) {
    if (gridSize > MAX_TRIALS) {
      return {
        error: `This grid has ${formatCount(gridSize)} combinations, more than the ${formatCount(MAX_TRIALS)} trials a sweep may run; add --trials ${MAX_TRIALS} to run the first ${formatCount(MAX_TRIALS)}, or use fewer values.`,
      };
    }
    return { trials: gridSize, gridSize };
  }
  if (options.trials > gridSize) {
    return {
      trials: gridSize,
      gridSize,
      note: `The grid has ${formatCount(gridSize)} combinations, so the sweep runs ${formatCount(gridSize)} trials rather than ${formatCount(options.trials)}.`,
    };
  }
  return { trials: options.trials, gridSize };
}

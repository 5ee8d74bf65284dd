import type { RawOptions } from '../command/command.ts';
import { didYouMean } from '../command/suggest.ts';
import { showInput } from '../command/tokenize.ts';
import { METRIC_NAME } from '../template/template-schema.ts';
import { formatCount } from './format.ts';
import {
  EARLY_STOP_RULES,
  type EarlyStopRule,
  SWEEP_ALGOS,
  SWEEP_GOALS,
  type SweepAlgo,
  type SweepGoal,
} from './sweep.ts';

/** The most trials one sweep may run: its card and notice are tested to hold that many. */
export const MAX_TRIALS = 1000;
/** The most grid points a sweep may enumerate, even when --trials runs only some of them. */
export const MAX_GRID_POINTS = 10_000;
export const DEFAULT_TRIALS = 20;
export const DEFAULT_PARALLEL = 4;
const MAX_SEED = 0xffffffff;

export const SWEEP_OPTIONS = ['algo', 'trials', 'parallel', 'metric', 'goal', 'early-stop', 'seed'] as const;

/** The launch options of a single run (src/orchestrator/plan-launch.ts); a sweep passes them on to each trial. */
export const DEFAULT_LAUNCH_OPTIONS: readonly string[] = ['gpu', 'cpu', 'memory'];

/** The sweep options of a command, typed; absent ones take their defaults in planSweep. */
export interface SweepOptions {
  algo?: SweepAlgo;
  trials?: number;
  parallel?: number;
  metric?: string;
  goal?: SweepGoal;
  earlyStop?: EarlyStopRule;
  seed?: number;
}

export type ReadOptionsResult =
  | { ok: true; options: SweepOptions; launchOptions: RawOptions }
  | { ok: false; error: string };

/**
 * Types the `--option value` pairs of a sweep command. Sweep options are checked here; launch
 * options (`--gpu`) are passed through for the launch path to check; anything else is refused.
 */
export function readSweepOptions(raw: RawOptions, launchOptionNames: readonly string[]): ReadOptionsResult {
  const options: SweepOptions = {};
  const launchOptions: RawOptions = {};
  for (const [name, value] of Object.entries(raw)) {
    let error: string | undefined;
    switch (name) {
      case 'algo':
        error = pick(name, value, SWEEP_ALGOS, (v) => (options.algo = v));
        break;
      case 'goal':
        error = pick(name, value, SWEEP_GOALS, (v) => (options.goal = v));
        break;
      case 'early-stop':
        error = pick(name, value, EARLY_STOP_RULES, (v) => (options.earlyStop = v));
        break;
      case 'trials':
        error = whole(name, value, 1, MAX_TRIALS, (n) => (options.trials = n));
        break;
      case 'parallel':
        error = whole(name, value, 1, MAX_TRIALS, (n) => (options.parallel = n));
        break;
      case 'seed':
        error = whole(name, value, 0, MAX_SEED, (n) => (options.seed = n));
        break;
      case 'metric':
        if (METRIC_NAME.test(value)) options.metric = value;
        else
          error = `--metric must be a metric name as the logs print it, such as loss or val_acc, not ${showInput(value)}.`;
        break;
      default:
        if (launchOptionNames.includes(name)) launchOptions[name] = value;
        else error = unknownOption(name, launchOptionNames);
    }
    if (error) return { ok: false, error };
  }
  return { ok: true, options, launchOptions };
}

function pick<T extends string>(
  name: string,
  value: string,
  allowed: readonly T[],
  set: (v: T) => void,
): string | undefined {
  const found = allowed.find((a) => a === value.toLowerCase());
  if (found) {
    set(found);
    return undefined;
  }
  const list = `${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}`;
  return `--${name} must be ${list}, not ${showInput(value)}.${didYouMean(value, allowed)}`;
}

function whole(
  name: string,
  value: string,
  min: number,
  max: number,
  set: (n: number) => void,
): string | undefined {
  const n = Number(value);
  if (/^\d+$/.test(value) && n >= min && n <= max) {
    set(n);
    return undefined;
  }
  return `--${name} must be a whole number from ${formatCount(min)} to ${formatCount(max)}, not ${showInput(value)}.`;
}

function unknownOption(name: string, launchOptionNames: readonly string[]): string {
  const known = [...SWEEP_OPTIONS, ...launchOptionNames].map((o) => `--${o}`);
  return `${showInput(`--${name}`)} is not a sweep option; use ${known.slice(0, -1).join(', ')} or ${known.at(-1)}.${didYouMean(`--${name}`, known)}`;
}

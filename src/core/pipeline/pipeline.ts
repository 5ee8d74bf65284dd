import type { ParamValue } from '../run/run.ts';
import type { Objective, ParamDef } from '../template/param-def.ts';

/**
 * A pipeline: a template file with `steps:` instead of an image. Each step runs an ordinary
 * template once (or once per matrix combination) after the steps it needs have succeeded, and
 * may pass their outputs on through `{{steps.<step>.outputs.<name>}}` in its params.
 */
export interface Pipeline {
  /** The file's name without `.yaml`, like a template's; launched as `/train <name>`. */
  name: string;
  /** Absolute path of the YAML file. */
  file: string;
  description?: string;
  /** The pipeline's own params, declared exactly like a template's. */
  params: ParamDef[];
  /** Every step, in topological order: a step comes after all it needs (ties in file order). */
  steps: PipelineStep[];
}

export interface PipelineStep {
  /** Key of the step in `steps:`; also its `trainyard.io/step` label and its inputs folder. */
  name: string;
  /** Name of the ordinary template the step runs. */
  template: string;
  /**
   * Values for the template's params as written: literals, or text holding `{{param}}` of the
   * pipeline and `{{steps.<step>[.best|.all].outputs.<name>}}` references (see references.ts).
   */
  params: Record<string, ParamValue>;
  /** Steps that must succeed before this one starts, as written (deduplicated). */
  needs: string[];
  /** Fan-out: one run per combination of these values (see matrix.ts). */
  matrix?: Record<string, ParamValue[]>;
  /** At most this many runs of the matrix at once; all at once when absent. */
  parallel?: number;
  /** What `best` picks by: the step's own objective, else its template's. */
  objective?: Objective;
}

/** Step names become label values, folder names and parts of `{{steps.<step>…}}`: no dots. */
export const STEP_NAME = /^[a-z][a-z0-9_-]{0,39}$/;
export const MAX_STEPS = 100;
/** Runs one matrix may fan out to. */
export const MAX_MATRIX_RUNS = 256;
/** Runs one pipeline may start in all (the card and the store stay O(this)). */
export const MAX_PIPELINE_RUNS = 1000;

import type { Pipeline } from '../pipeline/pipeline.ts';
import type { Objective, ParamDef } from './param-def.ts';

export type { Objective, ParamDef } from './param-def.ts';

/**
 * A loaded template. `raw` keeps the validated YAML values with `{{param}}` placeholders;
 * buildRunSpec substitutes into these parsed values, never into YAML text.
 */
export interface Template {
  name: string;
  /** Absolute path of the YAML file. */
  file: string;
  /** Absolute path of the folder beside it (build context / process working dir). */
  dir: string;
  description?: string;
  params: ParamDef[];
  raw: TemplateBody;
  /** What sweeps of it optimise by default, and what a pipeline's `best` picks by. */
  objective?: Objective;
  /**
   * The outputs its runs set (`::output name=value` lines and final metrics). Optional: when a
   * template lists them, a pipeline may read only these; when it does not, any name is accepted.
   */
  outputs?: string[];
  /** Code cloned from git into the job's working directory before it starts. */
  code?: CodeSource;
  /** sha256 (hex) of the file's text when it was loaded; runs record it in their lineage. */
  hash?: string;
}

export interface CodeSource {
  /** Clone URL as written in the template; may hold credentials, so never shown unredacted. */
  git: string;
  /** Branch, tag or commit; the repository's default branch when absent (`--ref` overrides). */
  ref?: string;
}

export interface TemplateBody {
  image?: string;
  build?: { context: string; dockerfile: string; args: Record<string, unknown>; target?: string };
  command: unknown[];
  args: unknown[];
  env: Record<string, unknown>;
  resources: { cpu?: unknown; memory?: unknown; gpu?: unknown };
  job: Record<string, unknown>;
  progress?: { pattern: string };
}

/** A problem with a template file, reported by `trainyard check` and at launch. */
export interface TemplateProblem {
  file: string;
  /** Dotted path of the field, e.g. `params.epochs.max`. */
  field?: string;
  message: string;
}

/** Templates that loaded, and problems of the ones that did not (by template name). */
export interface TemplateCatalog {
  templates: Map<string, Template>;
  /** Pipelines (template files with `steps:`) that loaded; broken ones are in `broken` too. */
  pipelines?: Map<string, Pipeline>;
  broken: Map<string, TemplateProblem[]>;
  /** Problems not tied to one template, e.g. a template folder that does not exist. */
  problems?: TemplateProblem[];
}

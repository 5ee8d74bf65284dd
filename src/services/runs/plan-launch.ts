import type { RawOptions, RawParams } from '../../core/command/command.ts';
import { didYouMean, unknownTemplateError } from '../../core/command/suggest.ts';
import { USAGE } from '../../core/command/usage.ts';
import { isQuantity } from '../../core/run/quantity.ts';
import type { Params, RunSpec } from '../../core/run/run.ts';
import { buildRunSpec } from '../../core/template/build-run-spec.ts';
import { resolveParams } from '../../core/template/resolve-params.ts';
import type { Template, TemplateCatalog } from '../../core/template/template.ts';

export type LaunchPlan = { ok: true; spec: RunSpec; template: Template } | { ok: false; error: string };

type SpecPlan = { ok: true; spec: RunSpec } | { ok: false; error: string };

/**
 * Options a launch may carry: `--gpu`, `--cpu`, `--memory` override the template's resources for
 * this run, `--ref` the git ref of a template whose code comes from git.
 */
const LAUNCH_OPTIONS = ['gpu', 'cpu', 'memory', 'ref'] as const;

function applyOptions(spec: RunSpec, options: RawOptions): SpecPlan {
  const resources = { ...spec.resources };
  let code = spec.code;
  for (const [name, value] of Object.entries(options)) {
    if (name === 'gpu') {
      const n = Number(value);
      if (!/^[0-9]+$/.test(value) || n > 64) {
        return { ok: false, error: `--gpu must be a whole number of GPUs from 0 to 64, not "${value}".` };
      }
      resources.gpu = n;
    } else if (name === 'cpu' || name === 'memory') {
      if (!isQuantity(value)) {
        const example = name === 'cpu' ? '2 or 500m' : '8Gi';
        return {
          ok: false,
          error: `--${name} must be a Kubernetes quantity such as ${example}, not "${value}".`,
        };
      }
      resources[name] = value;
    } else if (name === 'ref') {
      // The parser has checked its form (gitRefProblem); whether it exists is for git to say.
      if (!code) {
        return {
          ok: false,
          error: `--ref picks the git branch, tag or commit of a template whose code comes from git; template ${spec.template} has no code: section, so leave --ref out.`,
        };
      }
      code = { ...code, ref: value };
    } else {
      return {
        ok: false,
        error: `Unknown option --${name}.${didYouMean(name, LAUNCH_OPTIONS)} A launch takes ${LAUNCH_OPTIONS.map((o) => `--${o}`).join(', ')}.`,
      };
    }
  }
  return { ok: true, spec: code ? { ...spec, resources, code } : { ...spec, resources } };
}

/**
 * Turns a launch request into a run spec, or one sentence saying what is wrong.
 * Pure: the catalog is loaded by the caller. Used for launches and to check schedules.
 */
export function planLaunch(
  catalog: TemplateCatalog,
  template: string,
  params: RawParams,
  options: RawOptions,
): LaunchPlan {
  const found = findTemplate(catalog, template);
  if (!found.ok) return found;
  const t = found.template;
  const resolved = resolveParams(t, params);
  if (!resolved.ok) return resolved;
  const built = buildRunSpec(t, resolved.params);
  if (!built.ok) return built;
  const applied = applyOptions(built.spec, options);
  return applied.ok ? { ...applied, template: t } : applied;
}

/**
 * Every name the command parser should take as a template's: templates, pipelines, and broken
 * templates too (`/train broken x` is answered about the template, not `x`).
 */
export function commandNames(catalog: TemplateCatalog): string[] {
  return [...catalog.templates.keys(), ...(catalog.pipelines?.keys() ?? []), ...catalog.broken.keys()];
}

/** The template of that name, or the sentence for one that is broken or does not exist (with a "did you mean"). */
export function findTemplate(
  catalog: TemplateCatalog,
  name: string,
): { ok: true; template: Template } | { ok: false; error: string } {
  const t = catalog.templates.get(name);
  if (t) return { ok: true, template: t };
  if (catalog.pipelines?.has(name)) {
    return {
      ok: false,
      error: `${name} is a pipeline, and only a launch runs pipelines; launch it with /train ${name} (schedules, sweeps and reruns take templates).`,
    };
  }
  const problems = catalog.broken.get(name);
  if (problems?.length) {
    const p = problems[0];
    return {
      ok: false,
      error: `Template "${name}" cannot be used until it is fixed: ${p.field ? `${p.field}: ` : ''}${p.message}`,
    };
  }
  const verbs = USAGE.map((u) => u.verb);
  const names = [...catalog.templates.keys(), ...(catalog.pipelines?.keys() ?? [])].sort();
  return { ok: false, error: unknownTemplateError(name, names, verbs) };
}

/** Typed params as a launch takes them: their text, which the template types again (1e-7 stays 1e-7). */
export function launchParams(params: Params): RawParams {
  const raw: RawParams = {};
  for (const [name, value] of Object.entries(params)) raw[name] = String(value);
  return raw;
}

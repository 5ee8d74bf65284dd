import type { Template, TemplateCatalog } from '../../core/template/template.ts';
import type { Policy } from '../../ports/policy.ts';

/**
 * The templates the policy lets be launched in `channel` (or, without one, in some channel), by
 * name: what a form may offer. The policy still checks the launch itself on submit.
 */
export function launchableTemplates(
  catalog: TemplateCatalog,
  policy: Pick<Policy, 'mayLaunch'>,
  channel?: string,
): Template[] {
  return [...catalog.templates.values()]
    .filter((t) => policy.mayLaunch?.(t.name, channel) ?? true)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** A template by name, or the sentence saying why a form cannot be made for it. */
export function formTemplate(
  catalog: TemplateCatalog,
  name: string,
): { ok: true; template: Template } | { ok: false; error: string } {
  const template = catalog.templates.get(name);
  if (template) return { ok: true, template };
  if (catalog.broken.has(name)) {
    return {
      ok: false,
      error: `Template ${name} has problems, so it cannot be launched; trainyard check lists them.`,
    };
  }
  return {
    ok: false,
    error: `There is no template ${name} any more; /train templates lists the templates there are.`,
  };
}

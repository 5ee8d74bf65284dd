import { loadTemplates } from '../core/template/load-templates.ts';
import type { TemplateCatalog } from '../core/template/template.ts';

/**
 * Templates as they are on disk, re-read at most every `maxAgeMs` so an edited template
 * (or an updated ConfigMap) is picked up without a restart.
 */
export function createTemplateSource(dir: string, maxAgeMs = 2000): () => Promise<TemplateCatalog> {
  let cached: { at: number; catalog: Promise<TemplateCatalog> } | undefined;
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at > maxAgeMs) cached = { at: now, catalog: loadTemplates(dir) };
    return cached.catalog;
  };
}

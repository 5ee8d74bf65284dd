import type { TemplateCatalog } from '../../core/template/template.ts';
import { loadTemplates } from './load-templates.ts';

export interface TemplateSource {
  /** The templates as they are on disk now (re-read at most every few seconds). */
  (): Promise<TemplateCatalog>;
  /** The last catalog read, for synchronous checks (schedule validation); empty before the first read. */
  latest(): TemplateCatalog;
}

/**
 * Templates as they are on disk, re-read at most every `maxAgeMs` so an edited template
 * (or an updated ConfigMap) is picked up without a restart.
 */
export function createTemplateSource(dir: string, maxAgeMs = 2000): TemplateSource {
  let cached: { at: number; catalog: Promise<TemplateCatalog> } | undefined;
  let last: TemplateCatalog = { templates: new Map(), broken: new Map() };
  const source = () => {
    const now = Date.now();
    if (!cached || now - cached.at > maxAgeMs) {
      const catalog = loadTemplates(dir).then((c) => {
        last = c;
        return c;
      });
      cached = { at: now, catalog };
    }
    return cached.catalog;
  };
  return Object.assign(source, { latest: () => last });
}

import type { TemplateCatalog } from '../../core/template/template.ts';
import { loadTemplates } from './load-templates.ts';
import { templateFolderSignature } from './template-files.ts';

export interface TemplateSource {
  /** The templates as they are on disk now (looked at at most every few seconds). */
  (): Promise<TemplateCatalog>;
  /** The last catalog read, for synchronous checks (schedule validation); empty before the first read. */
  latest(): TemplateCatalog;
}

export interface TemplateSourceOptions {
  /** How long a look at the folder stays good; after it, the next call looks again. */
  maxAgeMs?: number;
  /** Reads and parses the folder (tests count the parses). */
  load?: (dir: string) => Promise<TemplateCatalog>;
  /** The clock, in ms (tests move it). */
  now?: () => number;
}

/**
 * Templates as they are on disk, so an edited template (or an updated ConfigMap) is picked up
 * without a restart. At most every `maxAgeMs` the folder is looked at (names, sizes, modification
 * times: a few stat calls), and the templates are parsed again only when that changed, since
 * parsing every template on every look cost ≈ 6 ms per command (issue 11).
 */
export function createTemplateSource(dir: string, opts: TemplateSourceOptions = {}): TemplateSource {
  const maxAgeMs = opts.maxAgeMs ?? 2000;
  const load = opts.load ?? loadTemplates;
  const clock = opts.now ?? Date.now;
  let lookedAt = Number.NEGATIVE_INFINITY;
  let current: Promise<TemplateCatalog> | undefined;
  let signature: string | undefined;
  let last: TemplateCatalog = { templates: new Map(), broken: new Map() };

  const refresh = async (previous: Promise<TemplateCatalog> | undefined): Promise<TemplateCatalog> => {
    const seen = await templateFolderSignature(dir);
    if (previous && seen === signature) return previous;
    // The signature is taken before reading, so a change during the read is seen next time.
    const catalog = await load(dir);
    signature = seen;
    last = catalog;
    return catalog;
  };

  const source = () => {
    const now = clock();
    if (!current || now - lookedAt > maxAgeMs) {
      lookedAt = now;
      // One look at a time, so the signature a look compares with is that of the catalog before it.
      const previous = current;
      const settled = previous?.then(
        () => undefined,
        () => undefined,
      );
      current = (settled ?? Promise.resolve()).then(() => refresh(previous));
    }
    return current;
  };
  return Object.assign(source, { latest: () => last });
}

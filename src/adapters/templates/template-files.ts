import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';

/** One `*.yaml` / `*.yml` entry of the template folder. */
export type TemplateFile =
  | { fileName: string; path: string; ok: true; mtimeMs: number; size: number; ino: number }
  /** A symbolic link whose target is gone (or unreadable): reported, never fatal. */
  | { fileName: string; path: string; ok: false; problem: string };

export const TEMPLATE_EXTENSIONS: readonly string[] = ['.yaml', '.yml'];

/**
 * Kubernetes mounts a ConfigMap as `x.yaml -> ..data/x.yaml`, `..data -> ..2026_12_01_12_00_00.1`
 * and the timestamped folder holding the real files, and swaps `..data` to update them all at
 * once. Names starting with `..` are that bookkeeping, never templates.
 */
const isBookkeeping = (name: string): boolean => name.startsWith('..');

/**
 * The template files in `root`, sorted by name: plain files and symbolic links to files (followed,
 * as a ConfigMap mount needs). Folders (a template's build context) are not listed. Throws only
 * when `root` itself cannot be read.
 */
export async function listTemplateFiles(root: string): Promise<TemplateFile[]> {
  const entries = await readdir(root, { withFileTypes: true });
  const files: TemplateFile[] = [];
  for (const entry of entries) {
    const { name } = entry;
    if (isBookkeeping(name) || !TEMPLATE_EXTENSIONS.includes(extname(name))) continue;
    if (!entry.isFile() && !entry.isSymbolicLink()) continue;
    const path = join(root, name);
    try {
      const s = await stat(path);
      if (s.isFile())
        files.push({ fileName: name, path, ok: true, mtimeMs: s.mtimeMs, size: s.size, ino: s.ino });
    } catch {
      files.push({
        fileName: name,
        path,
        ok: false,
        problem: `${name} is a link to a file that does not exist (or cannot be read); fix or remove the link.`,
      });
    }
  }
  return files.sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
}

/**
 * A short fingerprint of everything loading the templates reads: each template file's name,
 * inode, size and modification time, and the modification time of each folder beside them (a
 * template's own folder appearing, or a Dockerfile added in it). Equal fingerprints mean the
 * catalog would come out the same, so the templates need not be parsed again.
 */
export async function templateFolderSignature(root: string): Promise<string> {
  try {
    const parts: string[] = [];
    for (const file of await listTemplateFiles(root)) {
      parts.push(
        file.ok ? `${file.fileName}:${file.ino}:${file.size}:${file.mtimeMs}` : `${file.fileName}:!`,
      );
    }
    for (const entry of await readdir(root, { withFileTypes: true })) {
      if (isBookkeeping(entry.name)) continue;
      const s = await stat(join(root, entry.name)).catch(() => undefined);
      if (s?.isDirectory()) parts.push(`${entry.name}/:${s.mtimeMs}`);
    }
    return parts.join('|');
  } catch {
    return 'unreadable';
  }
}

/**
 * One sentence for the operator when `trainyard start` would begin with no templates: which
 * folder, and what to set. Undefined when the folder holds at least one template file.
 */
export async function templateFolderWarning(root: string): Promise<string | undefined> {
  let files: TemplateFile[];
  try {
    files = await listTemplateFiles(root);
  } catch {
    return `The template folder ${root} does not exist or cannot be read, so no template can be launched; set TRAINYARD_TEMPLATES to the folder that holds your templates.`;
  }
  if (files.length > 0) return undefined;
  return `The template folder ${root} holds no templates (*.yaml), so none can be launched; add some there or set TRAINYARD_TEMPLATES to the folder that holds them.`;
}

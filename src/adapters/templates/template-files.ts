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

/** What one look at the template folder found. */
interface FolderScan {
  /** The template files, sorted by name (see listTemplateFiles). */
  files: TemplateFile[];
  /** Each folder beside them (links to folders too), in the order the folder lists them. */
  folders: { name: string; mtimeMs: number }[];
}

/**
 * One read of `root` and at most one stat per entry: the template files (plain files and symbolic
 * links to files, followed as a ConfigMap mount needs) and the folders beside them. Throws only
 * when `root` itself cannot be read.
 */
async function scanTemplateFolder(root: string): Promise<FolderScan> {
  const entries = await readdir(root, { withFileTypes: true });
  const files: TemplateFile[] = [];
  const folders: FolderScan['folders'] = [];
  for (const entry of entries) {
    const { name } = entry;
    if (isBookkeeping(name)) continue;
    const template =
      TEMPLATE_EXTENSIONS.includes(extname(name)) && (entry.isFile() || entry.isSymbolicLink());
    // Only a link or a folder may turn out to be a folder; any other entry matters only as a template.
    if (!template && !entry.isDirectory() && !entry.isSymbolicLink()) continue;
    const path = join(root, name);
    const s = await stat(path).catch(() => undefined);
    if (s?.isDirectory()) folders.push({ name, mtimeMs: s.mtimeMs });
    if (!template) continue;
    if (!s) {
      files.push({
        fileName: name,
        path,
        ok: false,
        problem: `${name} is a link to a file that does not exist (or cannot be read); fix or remove the link.`,
      });
    } else if (s.isFile()) {
      files.push({ fileName: name, path, ok: true, mtimeMs: s.mtimeMs, size: s.size, ino: s.ino });
    }
  }
  files.sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
  return { files, folders };
}

/**
 * The template files in `root`, sorted by name: plain files and symbolic links to files (followed,
 * as a ConfigMap mount needs). Folders (a template's build context) are not listed. Throws only
 * when `root` itself cannot be read.
 */
export async function listTemplateFiles(root: string): Promise<TemplateFile[]> {
  return (await scanTemplateFolder(root)).files;
}

/**
 * A short fingerprint of everything loading the templates reads: each template file's name,
 * inode, size and modification time, and the modification time of each folder beside them (a
 * template's own folder appearing, or a Dockerfile added in it). Equal fingerprints mean the
 * catalog would come out the same, so the templates need not be parsed again. Taken on a command
 * every few seconds, so it reads the folder once (scanTemplateFolder).
 */
export async function templateFolderSignature(root: string): Promise<string> {
  let scan: FolderScan;
  try {
    scan = await scanTemplateFolder(root);
  } catch {
    return 'unreadable';
  }
  const files = scan.files.map((file) =>
    file.ok ? `${file.fileName}:${file.ino}:${file.size}:${file.mtimeMs}` : `${file.fileName}:!`,
  );
  const folders = scan.folders.map((folder) => `${folder.name}/:${folder.mtimeMs}`);
  return [...files, ...folders].join('|');
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

import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type ArtifactFile, MAX_LISTED_ARTIFACTS, type RunArtifacts } from '../../core/run/run.ts';
import type { ArtifactLister } from '../../ports/artifacts.ts';

/** Entries looked at in one run's folder at most: a run that wrote a million files is not walked whole. */
const MAX_ENTRIES = 10_000;

/**
 * Lists a run's artifacts from `<root>/<run id>/` on this machine (root is TRAINYARD_DATA/artifacts).
 * Files in sub-folders are listed by their path inside the run's folder; symbolic links are not
 * followed. When the runtime keeps no artifacts (`kept: false`), every run says so.
 */
export class ArtifactFolders implements ArtifactLister {
  constructor(
    private readonly root: string,
    private readonly kept: boolean,
  ) {}

  async list(runId: string): Promise<RunArtifacts> {
    if (!this.kept) return { kept: false };
    const files: ArtifactFile[] = [];
    let count = 0;
    let seen = 0;
    const walk = async (dir: string, prefix: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => undefined);
      if (!entries) return;
      for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
        if (++seen > MAX_ENTRIES) return;
        const path = join(dir, entry.name);
        const name = prefix + entry.name;
        if (entry.isDirectory()) await walk(path, `${name}/`);
        else if (entry.isFile()) {
          count++;
          if (files.length < MAX_LISTED_ARTIFACTS) {
            const size = (await lstat(path).catch(() => undefined))?.size ?? 0;
            files.push({ name, size });
          }
        }
      }
    };
    const folder = join(this.root, runId);
    const exists = await lstat(folder).then(
      (s) => s.isDirectory(),
      () => false,
    );
    // Not visible from here (a claim not mounted into the bot's pod): kept, but nothing to list.
    if (!exists) return { kept: true };
    await walk(folder, '');
    return { kept: true, files, count };
  }
}

import { chmod, mkdir, rm, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RunInput } from '../core/run/run.ts';
import { cloneCode } from './git-clone.ts';

/**
 * The folders of a run on the bot's own disk, for the process and docker runtimes:
 * - `TRAINYARD_DATA/artifacts/<run id>/`: its artifacts, which outlive it (TRAINYARD_ARTIFACTS);
 * - `TRAINYARD_DATA/runs/<run id>/inputs/<step>/`: the artifacts folders of the runs it reads
 *   (TRAINYARD_INPUTS), as symbolic links for the process runtime; the docker runtime bind-mounts
 *   the same artifacts folders read-only instead;
 * - `TRAINYARD_DATA/runs/<run id>/code/`: its clone, when its code comes from git.
 */
export interface RunFolders {
  artifacts: string;
  inputs: string;
  code: string;
}

/** The folder of every run's artifacts folder (TRAINYARD_DATA/artifacts), where they are listed from. */
export function artifactsRoot(dataDir: string): string {
  return join(dataDir, 'artifacts');
}

/** Where a run's artifacts are kept: the same place on every runtime that keeps them on this disk. */
export function artifactsFolder(dataDir: string, runId: string): string {
  return join(artifactsRoot(dataDir), runId);
}

export function runFolders(dataDir: string, runId: string): RunFolders {
  return {
    artifacts: artifactsFolder(dataDir, runId),
    inputs: join(dataDir, 'runs', runId, 'inputs'),
    code: join(dataDir, 'runs', runId, 'code'),
  };
}

/**
 * Creates the run's artifacts folder (writable by anyone: a container may run as any user) and
 * each input's artifacts folder, so an input that wrote nothing is an empty folder, not a
 * missing one. With `links`, the inputs folder gets a symbolic link per input. Safe to repeat.
 */
export async function prepareRunFolders(
  dataDir: string,
  runId: string,
  inputs: readonly RunInput[],
  opts: { links: boolean },
): Promise<RunFolders> {
  const folders = runFolders(dataDir, runId);
  await mkdir(folders.artifacts, { recursive: true });
  await chmod(folders.artifacts, 0o777);
  for (const input of inputs) {
    const target = artifactsFolder(dataDir, input.runId);
    await mkdir(target, { recursive: true });
    if (!opts.links) continue;
    const link = join(folders.inputs, input.path);
    await mkdir(dirname(link), { recursive: true });
    await symlink(target, link, 'dir').catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }
  return folders;
}

/**
 * Clones the run's code into its code folder, emptied first (of what an interrupted earlier clone
 * left there); resolves with the commit checked out.
 */
export async function cloneRunCode(
  folders: RunFolders,
  code: { git: string; ref?: string },
): Promise<string> {
  await rm(folders.code, { recursive: true, force: true });
  await mkdir(dirname(folders.code), { recursive: true });
  return cloneCode({ url: code.git, ref: code.ref, dir: folders.code });
}

/** Removes everything a run kept on this disk (when the store drops the run for good). */
export async function removeRunFolders(dataDir: string, runId: string): Promise<void> {
  const folders = runFolders(dataDir, runId);
  await rm(folders.artifacts, { recursive: true, force: true });
  await rm(dirname(folders.code), { recursive: true, force: true });
}

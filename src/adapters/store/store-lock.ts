import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { StoreError } from './StoreError.ts';

/**
 * Takes `<file>.lock` holding this process's pid, so two bots never write the same store.
 * A lock whose pid is no longer alive (a crash) is taken over. Returns the release function.
 */
export function takeStoreLock(file: string): () => void {
  const lockFile = `${file}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => releaseLock(lockFile);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new StoreError(
          `Cannot create the lock file ${lockFile} (${(error as Error).message}); make its folder writable.`,
        );
      }
    }
    const holder = readPid(lockFile);
    if (holder !== undefined && isAlive(holder)) {
      throw new StoreError(
        `${file} is in use by another Trainyard process (pid ${holder}); stop that process first, or delete ${lockFile} if it is not Trainyard.`,
      );
    }
    // Stale (its process is gone) or unreadable: remove it and try again.
    try {
      unlinkSync(lockFile);
    } catch {
      // someone else removed it first; the next attempt decides
    }
  }
  throw new StoreError(
    `Cannot take the lock file ${lockFile}; another process keeps recreating it, stop it first.`,
  );
}

function releaseLock(lockFile: string): void {
  // Only remove the lock if it is still ours.
  if (readPid(lockFile) !== process.pid) return;
  try {
    unlinkSync(lockFile);
  } catch {
    // already gone
  }
}

function readPid(lockFile: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(lockFile, 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

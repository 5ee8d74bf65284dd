import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { z } from 'zod';

/** A place in a run's archived log: the file's size once the lines up to `cursor` were written. */
export interface LogPoint {
  /** The runtime's cursor there; none for the place just before the first lines that came with one. */
  cursor?: string;
  bytes: number;
}

/**
 * The commit record of a run's archived log: the runtime's cursor after the last lines saved,
 * and the size the log file had with those lines. It is written after the lines (atomically, by
 * rename), so bytes past `bytes` in the log file are lines whose cursor was never saved.
 *
 * `earlier` keeps the last few commits before it (oldest first): the store writes runs a moment
 * after their lines are archived, so after a crash the store's run may stand at one of them, and
 * the lines from there on are the ones it never took in (see LogArchive.resume).
 */
export interface LogCommit {
  cursor: string;
  bytes: number;
  earlier: LogPoint[];
}

const bytes = z.number().int().nonnegative();
const logCommitSchema = z.object({
  cursor: z.string().min(1),
  bytes,
  // Records written before `earlier` existed have none.
  earlier: z.array(z.object({ cursor: z.string().min(1).optional(), bytes })).default([]),
});

/** `<log file>.cursor` beside the run's log. */
const commitFileOf = (logFile: string): string => `${logFile}.cursor`;

export async function readLogCommit(logFile: string): Promise<LogCommit | undefined> {
  try {
    const parsed = logCommitSchema.safeParse(JSON.parse(await readFile(commitFileOf(logFile), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    // None yet (or unreadable): the log has no saved cursor.
    return undefined;
  }
}

export async function writeLogCommit(logFile: string, commit: LogCommit): Promise<void> {
  const file = commitFileOf(logFile);
  const tmp = `${file}.tmp`;
  await writeFile(tmp, JSON.stringify(commit), 'utf8');
  await rename(tmp, file);
}

export async function removeLogCommit(logFile: string): Promise<void> {
  await unlink(commitFileOf(logFile)).catch(() => {});
}

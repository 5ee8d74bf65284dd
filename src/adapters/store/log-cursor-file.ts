import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { z } from 'zod';

/**
 * The commit record of a run's archived log: the runtime's cursor after the last lines saved,
 * and the size the log file had with those lines. It is written after the lines (atomically, by
 * rename), so bytes past `bytes` in the log file are lines whose cursor was never saved.
 */
export interface LogCommit {
  cursor: string;
  bytes: number;
}

const logCommitSchema = z.object({ cursor: z.string().min(1), bytes: z.number().int().nonnegative() });

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

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A run as the live file keeps it (the fields tests look at). */
export interface StoredRun {
  id: string;
  number: number;
  state: string;
  reason?: string;
}

/**
 * The runs in TRAINYARD_DATA's live file, read without starting a bot (starting one to ask would
 * also recover the runs it finds). Only for data folders of bots that have ended.
 */
export function storedRuns(dataDir: string): StoredRun[] {
  const live = JSON.parse(readFileSync(join(dataDir, 'trainyard.json'), 'utf8')) as { runs: StoredRun[] };
  return live.runs;
}

/** Run `number` as the live file has it; fails when it is not there. */
export function storedRun(dataDir: string, number: number): StoredRun {
  const run = storedRuns(dataDir).find((r) => r.number === number);
  if (!run) throw new Error(`run #${number} is not in ${join(dataDir, 'trainyard.json')}`);
  return run;
}

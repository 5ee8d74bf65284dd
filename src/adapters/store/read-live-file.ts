import type { PipelineRun } from '../../core/pipeline/pipeline-run.ts';
import type { Run } from '../../core/run/run.ts';
import type { Schedule } from '../../core/schedule/schedule.ts';
import type { Sweep } from '../../core/sweep/sweep.ts';
import { sectionLines } from './live-document.ts';
import { StoreError } from './StoreError.ts';
import { STORE_VERSION, storeFileSchema, storeFileV1Schema } from './store-schema.ts';
import { fromStoredRun } from './stored-run.ts';

/** What the live file holds, checked and in memory form. */
export interface LiveContents {
  version: number;
  nextRunNumber: number;
  schedules: Schedule[];
  keys: Record<string, number>;
  runs: Run[];
  /** Each run's line of the file, when laid out as this version writes it (see live-document.ts). */
  runLines: (string | undefined)[];
  sweeps: Sweep[];
  pipelines: PipelineRun[];
  /** Where the runs' history ended when the file was written; unknown before version 3. */
  runsArchivedTo?: [number, number];
}

const KEEP_FILE = 'fix or move it away — Trainyard will not overwrite it';

/**
 * Parses and checks the live file's text. Throws StoreError with one sentence naming the file
 * and what to do when it cannot be used; never changes the file.
 */
export function readLiveFile(file: string, text: string): LiveContents {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new StoreError(`${file} is not valid JSON (${(error as Error).message}); ${KEEP_FILE}.`);
  }
  const version = (raw as { version?: unknown })?.version;
  if (typeof version === 'number' && version > STORE_VERSION) {
    throw new StoreError(
      `${file} was written by a newer Trainyard (store version ${version}, this one reads ${STORE_VERSION}); upgrade Trainyard or move the file away — it will not be overwritten.`,
    );
  }
  const parsed = version === 1 ? storeFileV1Schema.safeParse(raw) : storeFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length > 0 ? issue.path.join('.') : 'top level';
    throw new StoreError(
      `${file} is not a valid Trainyard store (${where}: ${issue.message}); ${KEEP_FILE}.`,
    );
  }
  const data = parsed.data;
  // The schema checked every field Run and Schedule need; their pass-through parts stay as stored.
  const runs = data.version === 1 ? data.runs : data.runs.map(fromStoredRun);
  const runLines =
    data.version === STORE_VERSION
      ? sectionLines(text, 'runs', runs.length, (i) => `{"id":${JSON.stringify(runs[i].id)},`)
      : undefined;
  return {
    version: data.version,
    nextRunNumber: data.nextRunNumber,
    schedules: data.schedules as unknown as Schedule[],
    keys: data.keys,
    runs,
    runLines: runLines ?? [],
    runsArchivedTo: data.version === 1 ? undefined : data.archivedTo?.runs,
    sweeps: data.version === 1 ? [] : (data.sweeps as unknown as Sweep[]),
    pipelines: data.version === 1 ? [] : (data.pipelines as unknown as PipelineRun[]),
  };
}

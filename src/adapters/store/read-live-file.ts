import type { PipelineRun } from '../../core/pipeline/pipeline-run.ts';
import type { Run } from '../../core/run/run.ts';
import type { Schedule } from '../../core/schedule/schedule.ts';
import type { Sweep } from '../../core/sweep/sweep.ts';
import { sectionLines } from './live-document.ts';
import { StoreError } from './StoreError.ts';
import { STORE_VERSION, storeFileSchema, storeFileV1Schema } from './store-schema.ts';
import { fromStoredRun } from './stored-run.ts';

/** The live records of one kind, as the file holds them. */
export interface LiveRecords<T> {
  records: T[];
  /** Each record's line of the file, when laid out as this version writes it (see live-document.ts). */
  lines: (string | undefined)[];
  /**
   * Where the kind's history ended when the file was written; unknown before version 3, and for
   * sweeps and pipelines in files written before they had a history.
   */
  archivedTo?: [number, number];
}

/** What the live file holds, checked and in memory form. */
export interface LiveContents {
  version: number;
  nextRunNumber: number;
  schedules: Schedule[];
  keys: Record<string, number>;
  runs: LiveRecords<Run>;
  sweeps: LiveRecords<Sweep>;
  pipelines: LiveRecords<PipelineRun>;
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
  if (data.version === 1) {
    const { nextRunNumber, keys } = data;
    const none = { records: [], lines: [] };
    const runs = { records: data.runs, lines: [] };
    return {
      version: 1,
      nextRunNumber,
      keys,
      schedules: asSchedules(data.schedules),
      runs,
      sweeps: none,
      pipelines: none,
    };
  }
  const laidOut = data.version === STORE_VERSION;
  const live = <T extends { id: string }>(name: string, records: T[]): LiveRecords<T> => ({
    records,
    lines: (laidOut && linesOf(text, name, records)) || [],
    archivedTo: data.archivedTo?.[name],
  });
  return {
    version: data.version,
    nextRunNumber: data.nextRunNumber,
    schedules: asSchedules(data.schedules),
    keys: data.keys,
    runs: live('runs', data.runs.map(fromStoredRun)),
    sweeps: live('sweeps', data.sweeps),
    pipelines: live('pipelines', data.pipelines),
  };
}

const asSchedules = (schedules: unknown[]) => schedules as Schedule[];

/** Each record's line, when the section is laid out as this version writes it (id first). */
function linesOf(text: string, name: string, records: { id: string }[]): string[] | undefined {
  return sectionLines(text, name, records.length, (i) => `{"id":${JSON.stringify(records[i].id)},`);
}

import { join } from 'node:path';
import type { PipelineRun } from '../../core/pipeline/pipeline-run.ts';
import type { Run } from '../../core/run/run.ts';
import type { Sweep } from '../../core/sweep/sweep.ts';
import { type FileStoreOptions, groupHistoryOptions, historyOptions } from './file-store-options.ts';
import { pipelineKind, sweepKind } from './group-kinds.ts';
import { RecordHistory, type RecordHistoryOptions } from './history/RecordHistory.ts';
import type { RecordKind } from './history/record-kind.ts';
import type { HistoryPosition } from './history/SegmentArchive.ts';
import type { Section } from './live-document.ts';
import type { LiveContents, LiveRecords } from './read-live-file.ts';
import { runRecords } from './run-records.ts';
import { StoreError } from './StoreError.ts';

/**
 * Every kind of record the store keeps in two tiers: runs, sweeps and pipelines, each with its
 * own history segments (`history/runs-…`, `history/sweeps-…`, `history/pipelines-…`) and its own
 * section of the live file. A write takes the same steps for each kind, and they are here once.
 */
export class StoreHistories {
  private constructor(
    readonly runs: RecordHistory<Run>,
    readonly sweeps: RecordHistory<Sweep>,
    readonly pipelines: RecordHistory<PipelineRun>,
  ) {}

  /** Reads each kind's index. Throws StoreError when the history folder cannot be read. */
  static async open(dataDir: string, opts: FileStoreOptions): Promise<StoreHistories> {
    const groups = groupHistoryOptions(opts);
    return new StoreHistories(
      await openHistory(dataDir, runRecords, historyOptions(opts)),
      await openHistory(dataDir, sweepKind, groups),
      await openHistory(dataDir, pipelineKind, groups),
    );
  }

  /**
   * Takes the live file's records of each kind. A record both there and in history was caught by
   * a crash between its append and the file's rewrite: the newer copy is kept (see
   * RecordHistory.loadLive). Returns how many live copies history superseded.
   */
  loadLive(contents: LiveContents): number {
    return (
      loadLive(this.runs, contents.runs) +
      loadLive(this.sweeps, contents.sweeps) +
      loadLive(this.pipelines, contents.pipelines)
    );
  }

  /** The highest number of any kind, live or archived: they all come from the run sequence. */
  highestNumber(): number {
    return Math.max(...this.#each().map((history) => history.highestNumber()));
  }

  /** Some kind has more settled records live than it keeps there (an older file, a lower setting). */
  needsArchiving(): boolean {
    return this.#each().some((history) => history.needsArchiving());
  }

  /** Moves each kind's settled records beyond its live window to its segments (see RecordHistory). */
  async archiveSettled(pinnedRuns: ReadonlySet<string>): Promise<void> {
    await this.runs.archiveSettled((id) => pinnedRuns.has(id));
    await this.sweeps.archiveSettled(() => false);
    await this.pipelines.archiveSettled(() => false);
  }

  /** Where each kind's history ends, for the live file's head. */
  archivedTo(): Record<'runs' | 'sweeps' | 'pipelines', HistoryPosition> {
    return {
      runs: this.runs.archivedTo(),
      sweeps: this.sweeps.archivedTo(),
      pipelines: this.pipelines.archivedTo(),
    };
  }

  /** The live file's sections of live records, one line each. */
  sections(): Section[] {
    return [
      { name: 'runs', shape: 'list', lines: this.runs.lines() },
      { name: 'sweeps', shape: 'list', lines: this.sweeps.lines() },
      { name: 'pipelines', shape: 'list', lines: this.pipelines.lines() },
    ];
  }

  /** Drops whole old segments beyond each kind's retention; the ids of the runs that went, and counts. */
  async applyRetention(): Promise<{ runs: string[]; sweeps: number; pipelines: number }> {
    return {
      runs: await this.runs.applyRetention(),
      sweeps: (await this.sweeps.applyRetention()).length,
      pipelines: (await this.pipelines.applyRetention()).length,
    };
  }

  stats() {
    return { ...this.runs.stats(), sweeps: this.sweeps.stats(), pipelines: this.pipelines.stats() };
  }

  async close(): Promise<void> {
    for (const history of this.#each()) await history.close();
  }

  #each(): RecordHistory<unknown>[] {
    return [this.runs, this.sweeps, this.pipelines] as RecordHistory<unknown>[];
  }
}

async function openHistory<T>(dataDir: string, kind: RecordKind<T>, opts: RecordHistoryOptions) {
  try {
    return await RecordHistory.open(dataDir, kind, opts);
  } catch (error) {
    throw new StoreError(
      `Cannot read the ${kind.name} history in ${join(dataDir, 'history')} (${(error as Error).message}); check the folder's permissions.`,
    );
  }
}

const loadLive = <T>(history: RecordHistory<T>, live: LiveRecords<T>): number =>
  history.loadLive(live.records, live.lines, live.archivedTo);

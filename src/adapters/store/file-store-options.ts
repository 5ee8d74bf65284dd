import { type Logger, silentLogger } from '../../shared/log.ts';
import type { RecordHistoryOptions } from './history/RecordHistory.ts';
import type { PointHook } from './history/record-kind.ts';

export interface FileStoreOptions {
  /** Finished runs kept in all; whole history segments beyond it are dropped. Default 100,000. */
  retention?: number;
  /** Finished runs (notice sent) kept in the live file besides the active ones. Default 200. */
  liveFinished?: number;
  /**
   * Sweeps and pipelines, each kind on its own: settled ones (ended, notice sent) kept in the live
   * file besides the active ones, default 20; kept in all, default the same as `retention`.
   */
  groups?: { liveFinished?: number; retention?: number };
  /** A history segment is sealed at this size and a new one started. Default 2 MiB. */
  segmentBytes?: number;
  /** At most one write per this many ms, however many changes. Default 50 (≤ 20 writes/s). */
  writeIntervalMs?: number;
  log?: Logger;
  now?: () => Date;
  /** Told which runs were dropped from history, e.g. to remove their archived logs. */
  onPrune?: (runIds: string[]) => void;
  /** Tests only: called at named moments of a write, e.g. to kill the process right there. */
  hook?: PointHook;
}

export interface FileStoreStats {
  /** Live file writes since open. */
  writes: number;
  /** How long the last write took in all (archive append, encode, write, rename, retention), in ms. */
  lastWriteMs: number;
  /** How much of it held the event loop (encoding the live file), in ms. */
  lastEncodeMs: number;
  /** Runs in the live file, in history segments, and the number of segments. */
  live: number;
  archived: number;
  segments: number;
  /** The same for sweeps and for pipelines. */
  sweeps: HistoryStats;
  pipelines: HistoryStats;
}

export interface HistoryStats {
  live: number;
  archived: number;
  segments: number;
}

const RETENTION = 100_000;

/** The history settings for runs, with the defaults above. */
export function historyOptions(opts: FileStoreOptions): RecordHistoryOptions {
  return {
    keepSettled: opts.liveFinished ?? 200,
    retention: opts.retention ?? RETENTION,
    segmentBytes: opts.segmentBytes ?? 2 * 1024 * 1024,
    log: opts.log ?? silentLogger,
    hook: opts.hook,
  };
}

/**
 * The history settings for sweeps and for pipelines. Fewer settled ones stay live than runs: every
 * byte of the live file is written on every change, a sweep of 50 trials is ~10 KB (five runs'
 * worth) and a pipeline of 20 steps ~3 KB, and an archived one is one read away (≈ 0.2 ms). As
 * many are kept in all as runs by default: each group runs several runs, so its history grows
 * slower than theirs.
 */
export function groupHistoryOptions(opts: FileStoreOptions): RecordHistoryOptions {
  return {
    ...historyOptions(opts),
    keepSettled: opts.groups?.liveFinished ?? 20,
    retention: opts.groups?.retention ?? opts.retention ?? RETENTION,
  };
}

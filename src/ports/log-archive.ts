/** Full logs of runs, kept beside the store. Implementation: FileLogArchive (one file per run). */
export interface LogArchive {
  /** Queues lines for a run's log; written in the background, in order. */
  append(runId: string, lines: string[]): void;
  /** The last n lines. */
  tail(runId: string, n: number): Promise<string[]>;
  /** The whole archived log, or undefined when there is none. */
  read(runId: string): Promise<string | undefined>;
  /** Writes what is queued for a finished run and forgets its in-memory state. */
  finish(runId: string): Promise<void>;
  /** Deletes a run's log (its run was pruned from the store). */
  remove(runId: string): Promise<void>;
  /** Waits until everything queued so far is on disk. */
  flush(): Promise<void>;
}

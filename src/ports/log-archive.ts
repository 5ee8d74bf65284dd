/** Full logs of runs, kept beside the store. Implementation: FileLogArchive (one file per run). */
export interface LogArchive {
  /**
   * Queues lines for a run's log; written in the background, in order. `cursor` is the runtime's
   * position just after these lines (RuntimeSink.log): it is saved with them as one step, so a
   * crash keeps both or neither (see resume).
   */
  append(runId: string, lines: string[], cursor?: string): void;
  /**
   * For a run whose log is followed again after a restart, before any line of it is appended:
   * drops lines archived after the last saved cursor (a crash came between the lines and their
   * cursor) and returns that cursor (none when the log has none). A runtime resumed there sends
   * every line the archive lacks, and none it has.
   *
   * `applied` is the cursor of the last lines the stored run took in (its progress, metrics and
   * outputs): the store writes a moment after the archive, so a crash may leave it behind.
   * `missed` are the archived lines after it, for the run to take in before the log goes on.
   */
  resume(runId: string, applied?: string): Promise<ResumedLog>;
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

export interface ResumedLog {
  cursor?: string;
  /** Archived lines the stored run has not taken in. */
  missed: string[];
}

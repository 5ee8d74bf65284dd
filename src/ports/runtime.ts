import type { Run, RunSpec, RuntimeKind, RuntimeUpdate } from '../core/run/run.ts';

/** What a runtime reports back to. */
export interface RuntimeSink {
  update(runId: string, update: RuntimeUpdate): void;
  /**
   * New log lines, in order, never repeated. `cursor` is the runtime's own position just after
   * the last of these lines (opaque outside the runtime); the run service keeps it on the run
   * (`run.logCursor`) so that after a restart the runtime resumes after it instead of sending the
   * lines again. Delivery and cursor are one step: keep the cursor with the lines it came with
   * (persist both, or neither), and a restart neither repeats nor loses a line.
   */
  log(runId: string, lines: string[], cursor?: string): void;
  /**
   * What the runtime learnt while starting a run, for its lineage: the full commit SHA its code
   * was checked out at (process and docker: from the clone; Kubernetes: printed by the init
   * container that cloned it). Reported once, before the job's own command runs where it can be.
   */
  resolved?(runId: string, facts: { commit: string }): void;
}

export interface Placement {
  /** Job name, container id or process id. */
  handle: string;
  namespace?: string;
}

/**
 * Runs jobs somewhere: Kubernetes, a Docker host, or local processes.
 * Implementations: KubernetesRuntime, DockerRuntime, ProcessRuntime.
 */
export interface Runtime {
  readonly kind: RuntimeKind;
  /** Where jobs go, for cards ("namespace ml-team"). */
  readonly location: string;
  /** Connects and starts watching; events for managed runs go to the sink from now on. */
  start(sink: RuntimeSink): Promise<void>;
  /** True while the runtime is in sync with its backend (for /readyz). */
  ready(): boolean;
  /**
   * Resolves once the runtime has mirrored its backend for the first time after start (Kubernetes:
   * the first list of Jobs and pods; Docker: its event stream is open; processes: once started);
   * never rejects. A job created for a run before a restart has been reported to the sink by then
   * (for the runs handed to recover()), so a run the store still holds as queued has none.
   */
  whenSynced(): Promise<void>;
  /**
   * One sentence saying which settings of the spec this runtime cannot honour and what to do
   * instead, or undefined when it can run the spec as written. Ask before launching; submit
   * refuses such a spec with the same sentence.
   */
  cannotHonour(spec: RunSpec): string | undefined;
  /**
   * One sentence saying which settings of the spec this runtime runs without (where it can still
   * run the rest, e.g. GPUs on local processes), or undefined when it honours them all. The run's
   * card shows it.
   */
  leavesOut?(spec: RunSpec): string | undefined;
  /**
   * Creates the job for a run whose spec has an image (or a command for processes). Submitting a
   * run that already has its job creates nothing and answers with the existing placement.
   */
  submit(run: Run): Promise<Placement>;
  /** Asks the job to end; the sink later gets state 'stopped' (also for a run it never had). */
  stop(run: Run): Promise<void>;
  /**
   * Called once after start with the runs the store believes are in flight:
   * re-attach to live ones, report ended ones (sink.update), report missing ones as 'lost'.
   * It may come before or after whenSynced() resolves; logs resume after each run's `logCursor`.
   * Jobs of runs neither handed over here nor submitted by this process are not reported.
   */
  recover(runs: Run[]): Promise<void>;
  /**
   * Whether run artifacts outlive their job here: true for process and docker (the bot's data
   * folder), for Kubernetes only with an artifacts claim (TRAINYARD_ARTIFACTS_CLAIM).
   */
  readonly keepsArtifacts: boolean;
  /** Latest log lines straight from the backend, if it still has them. */
  tail?(run: Run, lines: number): Promise<string[]>;
  close(): Promise<void>;
}

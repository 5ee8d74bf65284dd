import type { Run, RuntimeUpdate } from '../core/run/run.ts';

/** What a runtime reports back to. */
export interface RuntimeSink {
  update(runId: string, update: RuntimeUpdate): void;
  /**
   * New log lines, in order, never repeated. `cursor` is the runtime's own position after the
   * last line (e.g. its timestamp); the run service keeps it on the run (`run.logCursor`) so that
   * after a restart the runtime resumes after it instead of sending the lines again.
   */
  log(runId: string, lines: string[], cursor?: string): void;
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
  readonly kind: 'kubernetes' | 'docker' | 'process';
  /** Where jobs go, for cards ("namespace ml-team"). */
  readonly location: string;
  /** Connects and starts watching; events for managed runs go to the sink from now on. */
  start(sink: RuntimeSink): Promise<void>;
  /** True while the runtime is in sync with its backend (for /readyz). */
  ready(): boolean;
  /**
   * Resolves once the runtime has mirrored its backend for the first time after start (Kubernetes:
   * the first list of Jobs and pods; Docker: its event stream is open; processes: at once). A job
   * created for a run before a restart has been reported to the sink by then, so a run the store
   * still holds as queued has none.
   */
  whenSynced(): Promise<void>;
  /** Creates the job for a run whose spec has an image (or a command for processes). */
  submit(run: Run): Promise<Placement>;
  /** Asks the job to end; the sink later gets state 'stopped'. */
  stop(run: Run): Promise<void>;
  /**
   * Called once after start with the runs the store believes are in flight:
   * re-attach to live ones, report ended ones (sink.update), report missing ones as 'lost'.
   */
  recover(runs: Run[]): Promise<void>;
  /** Latest log lines straight from the backend, if it still has them. */
  tail?(run: Run, lines: number): Promise<string[]>;
  close(): Promise<void>;
}

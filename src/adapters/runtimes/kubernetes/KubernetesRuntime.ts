import { isEnded, type Run, type RunSpec } from '../../../core/run/run.ts';
import type { Metrics } from '../../../ports/metrics.ts';
import type { Placement, Runtime, RuntimeSink } from '../../../ports/runtime.ts';
import { type BackoffPolicy, DEFAULT_BACKOFF } from '../../../shared/backoff.ts';
import { splitLines } from '../../../shared/line-splitter.ts';
import type { Logger } from '../../../shared/log.ts';
import { KubeApiError } from './api-error.ts';
import { ClusterWatch } from './ClusterWatch.ts';
import { CodeCommits } from './CodeCommits.ts';
import { JobClient } from './JobClient.ts';
import { MAIN_CONTAINER, renderJobManifest } from './job-manifest.ts';
import { goneStatus } from './job-status.ts';
import type { KubeApi } from './kube-api.ts';
import { RunLogs } from './RunLogs.ts';
import { RunTracker } from './RunTracker.ts';

export interface KubernetesRuntimeOptions {
  api: KubeApi;
  namespace: string;
  /** The kubeconfig context, named in messages about the cluster. */
  context: string;
  log: Logger;
  metrics: Metrics;
  /** How long an image that cannot be pulled (or a container that cannot be set up) may wait. */
  stuckGraceMs?: number;
  /** Log lines kept in memory per run. */
  tailLines?: number;
  backoff?: BackoffPolicy;
  watchTimeoutSeconds?: number;
  /** How long a run's end waits for the rest of its log to arrive. */
  logDrainMs?: number;
  /** Tries for a create or delete that meets transient errors. */
  attempts?: number;
  /** TRAINYARD_ARTIFACTS_CLAIM: the ReadWriteMany claim that keeps artifacts; without it none are kept. */
  artifactsClaim?: string;
  /** TRAINYARD_GIT_IMAGE: the image of the init container that clones a template's code. */
  gitImage?: string;
}

/**
 * Runs each run as a batch/v1 Job. The cluster watch feeds what it sees to the run tracker, which
 * alone decides each run's state and when its end may be reported; the run logs follow each run's
 * newest pod; the Job client creates and deletes Jobs. This class wires them to the Runtime port.
 */
export class KubernetesRuntime implements Runtime {
  readonly kind = 'kubernetes' as const;
  readonly location: string;
  readonly keepsArtifacts: boolean;
  private readonly tracker: RunTracker;
  private readonly logs: RunLogs;
  private readonly cluster: ClusterWatch;
  private readonly jobs: JobClient;
  private sink: RuntimeSink | undefined;

  constructor(private readonly opts: KubernetesRuntimeOptions) {
    this.location = `namespace ${opts.namespace}`;
    this.keepsArtifacts = opts.artifactsClaim !== undefined;
    const commits = new CodeCommits({
      api: opts.api,
      namespace: opts.namespace,
      log: opts.log,
      sink: () => this.sink,
    });
    const backoff = opts.backoff ?? DEFAULT_BACKOFF;
    const drainMs = opts.logDrainMs ?? 5000;
    const where = () => ({ context: opts.context, server: opts.api.server, namespace: opts.namespace });
    this.jobs = new JobClient({
      api: opts.api,
      namespace: opts.namespace,
      log: opts.log,
      backoff,
      attempts: opts.attempts ?? 5,
      where,
    });
    this.logs = new RunLogs({
      api: opts.api,
      namespace: opts.namespace,
      log: opts.log,
      backoff,
      drainMs,
      tailLines: opts.tailLines ?? 100,
      sink: () => this.sink,
      onIdle: (runId) => this.tracker.logIdle(runId),
    });
    this.tracker = new RunTracker({
      logs: this.logs,
      report: (runId, update) => this.sink?.update(runId, update),
      deleteJobs: (runId) => this.deleteStuck(runId),
      stuckGraceMs: opts.stuckGraceMs ?? 5 * 60_000,
      drainMs,
    });
    this.cluster = new ClusterWatch({
      api: opts.api,
      namespace: opts.namespace,
      log: opts.log,
      metrics: opts.metrics,
      backoff,
      watchTimeoutSeconds: opts.watchTimeoutSeconds ?? 300,
      tracker: this.tracker,
      onPod: (pod) => commits.seen(pod),
      where,
    });
    opts.metrics.gauge(
      'trainyard_kubernetes_tracked_runs',
      'Runs whose Job or pods the runtime is tracking.',
      [],
      () => [{ labels: {}, value: this.tracker.size }],
    );
  }

  async start(sink: RuntimeSink): Promise<void> {
    this.sink = sink;
    this.cluster.start();
  }

  ready(): boolean {
    return this.cluster.synced;
  }

  /** Resolves once the first list of Jobs and Pods has succeeded; never rejects. */
  whenSynced(): Promise<void> {
    return this.cluster.whenSynced;
  }

  /** A cluster honours every setting a template can have. */
  cannotHonour(_spec: RunSpec): string | undefined {
    return undefined;
  }

  /**
   * Creates the run's Job. The Job's name comes from the run id, so submitting a run whose Job
   * exists already (whatever path led there) finds that Job and creates no twin.
   */
  async submit(run: Run): Promise<Placement> {
    const { namespace, artifactsClaim, gitImage } = this.opts;
    const body = renderJobManifest(run, { namespace, artifactsClaim, gitImage });
    this.tracker.submitting(run.id);
    // Its Job may be there already, its log read up to the run's cursor (a restart between the
    // create and storing the placement): go on from there.
    if (run.logCursor) this.logs.handOver(run.id, run.logCursor);
    try {
      await this.jobs.create(body, run.id);
      this.tracker.submitted(run.id);
      return { handle: body.metadata?.name ?? '', namespace };
    } catch (err) {
      this.tracker.submitFailed(run.id);
      throw this.jobs.submitError(err);
    }
  }

  /** Deletes every Job of the run (a twin too, if one ever existed) with its pods. */
  async stop(run: Run): Promise<void> {
    this.tracker.stopping(run.id);
    let gone = false;
    try {
      await this.jobs.deleteRun(run.id);
    } catch (err) {
      if (!(err instanceof KubeApiError && err.status === 404)) {
        this.tracker.stopping(run.id, false);
        throw this.jobs.stopError(err);
      }
      gone = true;
    }
    // The watch reports the deletion of a Job it has seen, and with it the end of the run; a run
    // whose Job it never saw (or that was gone already) ends here.
    if (gone || !this.tracker.hasJob(run.id)) this.tracker.endNow(run.id, goneStatus(true, false));
  }

  /**
   * Reconciles the runs the store believes are in flight with what the cluster holds. Resolves at
   * once: if the cluster has not answered yet, this happens as soon as it does, so an outage never
   * holds up the bot's start (its health endpoints must come up to say it is not ready).
   * Runs neither submitted by this process nor handed over here are not reported, so calling this
   * before or after the first sync makes no difference: their logs are followed after the
   * positions given here (`run.logCursor`), and the end of one that ended meanwhile waits for them.
   */
  async recover(runs: Run[]): Promise<void> {
    const inFlight = runs.filter((run) => !isEnded(run.state) && run.placement);
    // Noted at once: the first sync, if it comes before the reconciling, already follows their logs.
    for (const run of inFlight) {
      this.logs.handOver(run.id, run.logCursor);
      this.tracker.recovered(run.id);
    }
    if (this.cluster.synced) this.tracker.reconcile(inFlight);
    else void this.cluster.whenSynced.then(() => this.tracker.reconcile(inFlight));
  }

  async tail(run: Run, lines: number): Promise<string[]> {
    const pod = this.tracker.newestPod(run.id);
    if (pod) {
      try {
        const text = await this.opts.api.readPodLog(this.opts.namespace, pod.name, MAIN_CONTAINER, lines);
        return splitLines(text).slice(-lines);
      } catch (err) {
        this.opts.log.debug('reading the pod log failed; answering from memory', {
          run: run.id,
          error: String(err),
        });
      }
    }
    return this.logs.tail(run.id, lines);
  }

  async close(): Promise<void> {
    this.tracker.close();
    const logs = this.logs.close();
    await this.cluster.stop();
    await logs;
    this.opts.api.close();
  }

  /** For benchmarks and tests: how many runs are tracked. */
  get trackedRuns(): number {
    return this.tracker.size;
  }

  /** A run that can never start (its image cannot be pulled): its Job would retry forever. */
  private deleteStuck(runId: string): void {
    this.jobs.deleteRun(runId).catch((err) => {
      this.opts.log.warn('could not delete a Job that cannot start', { run: runId, error: String(err) });
    });
  }
}

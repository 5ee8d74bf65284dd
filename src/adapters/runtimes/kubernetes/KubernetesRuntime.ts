import { randomBytes } from 'node:crypto';
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { isEnded, type Run, type RuntimeUpdate } from '../../../core/run/run.ts';
import { LABELS, MANAGED_SELECTOR } from '../../../core/run/run-identity.ts';
import type { Counter, Metrics } from '../../../ports/metrics.ts';
import type { Placement, Runtime, RuntimeSink } from '../../../ports/runtime.ts';
import { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF } from '../../../shared/backoff.ts';
import type { Logger } from '../../../shared/log.ts';
import { KubeApiError } from './api-error.ts';
import { MAIN_CONTAINER, renderJobManifest } from './job-manifest.ts';
import {
  goneStatus,
  type JobFacts,
  jobFacts,
  jobStatus,
  newestPod,
  type PodFacts,
  podFacts,
  podMayStillReport,
} from './job-status.ts';
import type { KubeApi } from './kube-api.ts';
import { LogFollower } from './LogFollower.ts';
import { LineTail } from './line-tail.ts';
import { decodeLogCursor, encodeLogCursor, type LogCursor } from './log-lines.ts';
import { ResourceWatch } from './ResourceWatch.ts';

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
  render?: typeof renderJobManifest;
}

/** What the runtime knows about one run, reduced to the facts the status mapping reads. */
interface TrackedRun {
  runId: string;
  job?: JobFacts;
  /** The Job was seen and then deleted. */
  jobGone: boolean;
  pods: Map<string, PodFacts>;
  reported?: RuntimeUpdate;
  ended: boolean;
  /** Seen alive by this process (submitted here or seen before its end): its logs are worth reading. */
  seenLive: boolean;
  /** We deleted its Job: on request (stop) or because it could never start. */
  deletedByUs: boolean;
  /** Some pod of the run has been seen. */
  sawPod: boolean;
  follower?: LogFollower;
  followedPod?: string;
  /** The run has ended; this goes out once the pod has told how and its log is read. */
  pendingEnd?: RuntimeUpdate;
  tail: LineTail;
  recheckAt?: number;
}

/**
 * Runs each run as a batch/v1 Job. One label-selected list+watch on Jobs and one on Pods cover
 * every run, so API traffic does not grow with the number of runs; a single timer re-checks the
 * runs whose state changes with time (an image that cannot be pulled fails after a grace).
 */
export class KubernetesRuntime implements Runtime {
  readonly kind = 'kubernetes' as const;
  readonly location: string;
  private readonly runs = new Map<string, TrackedRun>();
  private readonly rechecks = new Set<TrackedRun>();
  /** Every log stream still being read, including earlier attempts' and forgotten runs'. */
  private readonly followers = new Set<LogFollower>();
  /**
   * Runs recover() handed over, each with the pod and position its log was delivered up to before
   * the restart (from `run.logCursor`); taken by the first stream that follows the run.
   */
  private readonly handedOver = new Map<string, { pod: string; cursor: LogCursor } | undefined>();
  private readonly jobs: ResourceWatch<V1Job>;
  private readonly pods: ResourceWatch<V1Pod>;
  private readonly restarts: Counter;
  private sink: RuntimeSink | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweepAt = Number.POSITIVE_INFINITY;
  private firstSync: Promise<void>;
  private resolveFirstSync!: () => void;
  private initialSyncDone = false;
  private unreachable = false;
  private readonly stuckGraceMs: number;
  private readonly tailLines: number;
  private readonly backoff: BackoffPolicy;
  private readonly logDrainMs: number;
  private readonly attempts: number;
  private readonly render: typeof renderJobManifest;

  constructor(private readonly opts: KubernetesRuntimeOptions) {
    this.location = `namespace ${opts.namespace}`;
    this.stuckGraceMs = opts.stuckGraceMs ?? 5 * 60_000;
    this.tailLines = opts.tailLines ?? 100;
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.logDrainMs = opts.logDrainMs ?? 5000;
    this.attempts = opts.attempts ?? 5;
    this.render = opts.render ?? renderJobManifest;
    this.firstSync = new Promise((resolve) => {
      this.resolveFirstSync = resolve;
    });
    this.restarts = opts.metrics.counter(
      'trainyard_kubernetes_watch_restarts_total',
      'Times a Kubernetes watch was restarted, by resource and reason (timeout, expired, error).',
    );
    opts.metrics.gauge(
      'trainyard_kubernetes_tracked_runs',
      'Runs whose Job or pods the runtime is tracking.',
      () => [{ labels: {}, value: this.runs.size }],
    );
    const ns = opts.namespace;
    const common = {
      api: opts.api,
      labelSelector: MANAGED_SELECTOR,
      restarts: this.restarts,
      backoff: this.backoff,
      watchTimeoutSeconds: opts.watchTimeoutSeconds ?? 300,
      onListError: (err: KubeApiError, attempt: number) => this.onListError(err, attempt),
    };
    this.jobs = new ResourceWatch<V1Job>({
      ...common,
      resource: 'jobs',
      path: `/apis/batch/v1/namespaces/${ns}/jobs`,
      list: () => opts.api.listJobs(ns, MANAGED_SELECTOR),
      onSync: (items) => this.onJobSync(items),
      onChange: (type, job) => this.onJobChange(type, job),
    });
    this.pods = new ResourceWatch<V1Pod>({
      ...common,
      resource: 'pods',
      path: `/api/v1/namespaces/${ns}/pods`,
      list: () => opts.api.listPods(ns, MANAGED_SELECTOR),
      onSync: (items) => this.onPodSync(items),
      onChange: (type, pod) => this.onPodChange(type, pod),
    });
  }

  async start(sink: RuntimeSink): Promise<void> {
    this.sink = sink;
    this.jobs.start();
    this.pods.start();
  }

  ready(): boolean {
    return this.jobs.synced && this.pods.synced;
  }

  whenSynced(): Promise<void> {
    return this.firstSync;
  }

  async submit(run: Run): Promise<Placement> {
    const { api, namespace } = this.opts;
    const tracked = this.track(run.id);
    tracked.seenLive = true;
    // A name clash (another Job already has the name) gets a fresh suffix.
    for (let clash = 0; ; clash++) {
      let name = '';
      try {
        const body = this.render(run, { namespace, suffix: randomSuffix() });
        name = body.metadata?.name ?? '';
        await this.withRetries('create', async (retried) => {
          try {
            await api.createJob(namespace, body);
          } catch (err) {
            // After a lost reply our first try may have created it: then the clash is with ourselves.
            if (retried && err instanceof KubeApiError && err.status === 409) {
              const existing = await api.readJob(namespace, name);
              if (existing.metadata?.labels?.[LABELS.run] === run.id) return;
            }
            throw err;
          }
        });
        return { handle: name, namespace };
      } catch (err) {
        if (err instanceof KubeApiError && err.status === 409 && clash < 3) continue;
        this.forgetIfEmpty(tracked);
        throw this.submitError(err);
      }
    }
  }

  async stop(run: Run): Promise<void> {
    const tracked = this.track(run.id);
    tracked.deletedByUs = true;
    const name = tracked.job?.name ?? run.placement?.handle;
    if (name) {
      try {
        await this.withRetries('delete', () => this.opts.api.deleteJob(this.opts.namespace, name));
        // The watch reports the deletion, and with it the end of the run.
        if (tracked.job) return;
      } catch (err) {
        if (!(err instanceof KubeApiError && err.status === 404)) throw this.userError(err, 'stop the Job');
      }
    }
    // No Job to delete: it was already gone, so the run ends here.
    this.finish(tracked, goneStatus(true, false));
  }

  /**
   * Reconciles the runs the store believes are in flight with what the cluster holds. Resolves at
   * once: if the cluster has not answered yet, this happens as soon as it does, so an outage never
   * holds up the bot's start (its health endpoints must come up to say it is not ready).
   * Call it right after start(), as the orchestrator does: the logs of running runs are followed
   * from the first sync on, after the positions given here (`run.logCursor`).
   */
  async recover(runs: Run[]): Promise<void> {
    const inFlight = runs.filter((run) => !isEnded(run.state) && run.placement);
    // Noted at once: the first sync, if it comes before reconcile(), already follows their logs.
    for (const run of inFlight) this.handedOver.set(run.id, decodeLogCursor(run.logCursor));
    if (this.initialSyncDone) this.reconcile(inFlight);
    else this.firstSync.then(() => this.reconcile(inFlight));
  }

  private reconcile(runs: Run[]): void {
    for (const run of runs) {
      const tracked = this.runs.get(run.id);
      if (!tracked?.job) {
        this.finish(this.track(run.id), goneStatus(false, true));
        continue;
      }
      tracked.seenLive ||= !tracked.ended;
      // Ended while we were down and already reported: say it again, now that the orchestrator asks.
      if (tracked.ended && !tracked.pendingEnd && tracked.reported)
        this.sink?.update(run.id, tracked.reported);
      else this.evaluate(tracked);
    }
  }

  async tail(run: Run, lines: number): Promise<string[]> {
    const tracked = this.runs.get(run.id);
    const pod = tracked && newestPod(tracked.pods.values());
    if (pod) {
      try {
        const text = await this.opts.api.readPodLog(this.opts.namespace, pod.name, MAIN_CONTAINER, lines);
        return text === '' ? [] : text.replace(/\n$/, '').split('\n');
      } catch (err) {
        this.opts.log.debug('reading the pod log failed; answering from memory', {
          run: run.id,
          error: String(err),
        });
      }
    }
    return tracked ? tracked.tail.last(lines) : [];
  }

  async close(): Promise<void> {
    clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
    for (const follower of this.followers) follower.stop();
    await Promise.all([this.jobs.stop(), this.pods.stop()]);
    await Promise.all([...this.followers].map((f) => f.done));
  }

  /** For benchmarks and tests: how many runs are tracked. */
  get trackedRuns(): number {
    return this.runs.size;
  }

  // --- watch events -------------------------------------------------------------------------

  private onJobSync(items: V1Job[]): void {
    const present = new Set<string>();
    for (const job of items) {
      const facts = jobFacts(job);
      if (!facts.runId) continue;
      present.add(facts.runId);
      this.track(facts.runId).job = facts;
    }
    // Jobs that vanished while the watch was down were deleted then.
    for (const tracked of this.runs.values()) {
      if (tracked.job && !present.has(tracked.runId)) this.jobDeleted(tracked);
    }
    this.afterSync();
  }

  private onPodSync(items: V1Pod[]): void {
    const byRun = new Map<string, PodFacts[]>();
    for (const pod of items) {
      const facts = podFacts(pod, MAIN_CONTAINER);
      if (!facts.runId) continue;
      const pods = byRun.get(facts.runId) ?? [];
      pods.push(facts);
      byRun.set(facts.runId, pods);
    }
    // Pods that vanished while the watch was down. A run that had none (one just submitted,
    // whose Job the watch has not brought yet) stays as it is.
    for (const tracked of [...this.runs.values()]) {
      if (tracked.pods.size > 0 && !byRun.has(tracked.runId)) {
        tracked.pods.clear();
        this.forgetIfEmpty(tracked);
      }
    }
    for (const [runId, pods] of byRun) {
      const tracked = this.track(runId);
      tracked.pods = new Map(pods.map((p) => [p.name, p]));
      tracked.sawPod = true;
    }
    this.afterSync();
  }

  private afterSync(): void {
    if (!this.ready()) return;
    if (this.unreachable) {
      this.unreachable = false;
      this.opts.log.info('connected to the Kubernetes API', this.where());
    }
    this.initialSyncDone = true;
    for (const tracked of [...this.runs.values()]) this.evaluate(tracked);
    this.resolveFirstSync();
  }

  private onJobChange(type: 'ADDED' | 'MODIFIED' | 'DELETED', job: V1Job): void {
    const facts = jobFacts(job);
    if (!facts.runId) return;
    if (type === 'DELETED') {
      const tracked = this.runs.get(facts.runId);
      if (tracked) this.jobDeleted(tracked);
      return;
    }
    const tracked = this.track(facts.runId);
    tracked.job = facts;
    tracked.jobGone = false;
    this.evaluate(tracked);
  }

  private onPodChange(type: 'ADDED' | 'MODIFIED' | 'DELETED', pod: V1Pod): void {
    const facts = podFacts(pod, MAIN_CONTAINER);
    if (!facts.runId) return;
    if (type === 'DELETED') {
      const tracked = this.runs.get(facts.runId);
      if (!tracked) return;
      tracked.pods.delete(facts.name);
      if (!this.forgetIfEmpty(tracked)) this.evaluate(tracked);
      return;
    }
    const tracked = this.track(facts.runId);
    tracked.pods.set(facts.name, facts);
    tracked.sawPod = true;
    this.evaluate(tracked);
  }

  private jobDeleted(tracked: TrackedRun): void {
    tracked.job = undefined;
    tracked.jobGone = true;
    if (this.initialSyncDone) this.evaluate(tracked);
    this.forgetIfEmpty(tracked);
  }

  // --- state ------------------------------------------------------------------------------------

  /** Works out the run's state from what we hold and reports it if it changed. */
  private evaluate(tracked: TrackedRun): void {
    if (!this.initialSyncDone) return;
    if (tracked.ended) {
      this.settle(tracked);
      return;
    }
    if (!tracked.job) {
      if (tracked.jobGone) this.finish(tracked, goneStatus(tracked.deletedByUs, false));
      return;
    }
    const status = this.statusNow(tracked.job, tracked);
    if (!isEnded(status.update.state)) tracked.seenLive = true;
    if (tracked.seenLive) this.followLogs(tracked);
    this.scheduleRecheck(tracked, status.recheckAt?.getTime());
    if (status.deleteJob) this.deleteStuckJob(tracked);
    if (isEnded(status.update.state)) this.finish(tracked, status.update);
    else this.report(tracked, status.update);
  }

  /** The newest pod may still report how it ended, or the Job had pods we have not seen yet. */
  private podMayStillReport(tracked: TrackedRun): boolean {
    const pod = newestPod(tracked.pods.values());
    return pod ? podMayStillReport(pod) : tracked.seenLive && !tracked.sawPod;
  }

  private statusNow(job: JobFacts, tracked: TrackedRun) {
    return jobStatus(job, [...tracked.pods.values()], { now: new Date(), stuckGraceMs: this.stuckGraceMs });
  }

  /** The run has ended: no other state will be reported; `settle` sends this one out. */
  private finish(tracked: TrackedRun, update: RuntimeUpdate): void {
    if (tracked.ended) return;
    tracked.ended = true;
    tracked.pendingEnd = update;
    // However the pod and its log behave, the end goes out by then.
    this.scheduleRecheck(tracked, Date.now() + this.logDrainMs);
    this.settle(tracked);
  }

  /**
   * Reports a run's end once its newest pod has said how its container ended (so the reason has
   * the exit code) and its log has been read to the end, or when `force`d by the timer.
   */
  private settle(tracked: TrackedRun, force = false): void {
    const end = tracked.pendingEnd;
    if (!end) return;
    if (!force && tracked.job && this.podMayStillReport(tracked)) return;
    // A run that ended while we were down still has its log read on from where it was left.
    if ((tracked.seenLive || this.handedOver.has(tracked.runId)) && tracked.job) this.followLogs(tracked);
    const follower = tracked.follower;
    if (!force && follower?.active) {
      // finish() is idempotent; once the log is read (or its cap passes) we look again.
      follower.finish(this.logDrainMs).then(() => this.settle(tracked));
      return;
    }
    follower?.stop();
    tracked.pendingEnd = undefined;
    this.scheduleRecheck(tracked, undefined);
    // What the Job and pods say now is the most precise account of the end, if they are still there.
    const latest = tracked.job && this.statusNow(tracked.job, tracked).update;
    this.report(tracked, latest && isEnded(latest.state) ? latest : end);
    this.forgetIfEmpty(tracked);
  }

  private report(tracked: TrackedRun, update: RuntimeUpdate): void {
    const last = tracked.reported;
    if (
      last &&
      last.state === update.state &&
      last.reason === update.reason &&
      last.exitCode === update.exitCode
    ) {
      return;
    }
    tracked.reported = update;
    this.sink?.update(tracked.runId, update);
  }

  /** A run that can never start (its image cannot be pulled): its Job would retry forever. */
  private deleteStuckJob(tracked: TrackedRun): void {
    const name = tracked.job?.name;
    if (!name || tracked.deletedByUs) return;
    tracked.deletedByUs = true;
    this.withRetries('delete', () => this.opts.api.deleteJob(this.opts.namespace, name)).catch((err) => {
      if (!(err instanceof KubeApiError && err.status === 404)) {
        this.opts.log.warn('could not delete a Job that cannot start', { job: name, error: String(err) });
      }
    });
  }

  // --- logs -----------------------------------------------------------------------------------

  private followLogs(tracked: TrackedRun): void {
    const pod = newestPod(tracked.pods.values());
    const main = pod?.main;
    if (!pod || !(main?.running || main?.terminated)) return;
    if (tracked.followedPod !== pod.name) {
      // A newer attempt: the previous pod has ended; its log is read to the end before this one's.
      const previous = tracked.follower;
      previous?.finish(this.logDrainMs);
      tracked.followedPod = pod.name;
      // After a restart, the pod whose log was being read goes on after the last line delivered;
      // a newer attempt's pod has a log of its own, read from its start.
      const handed = this.handedOver.get(tracked.runId);
      this.handedOver.delete(tracked.runId);
      const follower = new LogFollower({
        after: previous?.done,
        from: handed?.pod === pod.name ? handed.cursor : undefined,
        api: this.opts.api,
        namespace: this.opts.namespace,
        pod: pod.name,
        container: MAIN_CONTAINER,
        log: this.opts.log,
        backoff: this.backoff,
        onLines: (lines, cursor) => {
          tracked.tail.push(lines);
          this.sink?.log(tracked.runId, lines, cursor && encodeLogCursor(pod.name, cursor));
        },
      });
      tracked.follower = follower;
      this.followers.add(follower);
      follower.done.then(() => {
        this.followers.delete(follower);
        if (this.runs.get(tracked.runId) === tracked) this.forgetIfEmpty(tracked);
      });
    }
    if (main.terminated) tracked.follower?.finish(this.logDrainMs);
  }

  // --- the one timer ----------------------------------------------------------------------------

  private scheduleRecheck(tracked: TrackedRun, at: number | undefined): void {
    tracked.recheckAt = at;
    if (at === undefined) this.rechecks.delete(tracked);
    else this.rechecks.add(tracked);
    this.armSweep();
  }

  private armSweep(): void {
    let earliest = Number.POSITIVE_INFINITY;
    for (const t of this.rechecks) earliest = Math.min(earliest, t.recheckAt ?? earliest);
    if (earliest === this.sweepAt) return;
    clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
    this.sweepAt = earliest;
    if (earliest === Number.POSITIVE_INFINITY) return;
    this.sweepTimer = setTimeout(() => this.sweep(), Math.max(0, earliest - Date.now()));
    this.sweepTimer.unref();
  }

  private sweep(): void {
    this.sweepTimer = undefined;
    this.sweepAt = Number.POSITIVE_INFINITY;
    const now = Date.now();
    for (const tracked of [...this.rechecks]) {
      if ((tracked.recheckAt ?? now + 1) > now) continue;
      if (tracked.pendingEnd) this.settle(tracked, true);
      else this.evaluate(tracked);
    }
    this.armSweep();
  }

  // --- helpers ----------------------------------------------------------------------------------

  private track(runId: string): TrackedRun {
    let tracked = this.runs.get(runId);
    if (!tracked) {
      tracked = {
        runId,
        jobGone: false,
        pods: new Map(),
        ended: false,
        seenLive: false,
        deletedByUs: false,
        sawPod: false,
        tail: new LineTail(this.tailLines),
      };
      this.runs.set(runId, tracked);
    }
    return tracked;
  }

  /** Drops a run that has nothing left in the cluster and nothing left to say. */
  private forgetIfEmpty(tracked: TrackedRun): boolean {
    const finished = tracked.ended || !tracked.jobGone;
    if (tracked.job || tracked.pods.size > 0 || !finished || tracked.pendingEnd || tracked.follower?.active) {
      return false;
    }
    this.rechecks.delete(tracked);
    this.runs.delete(tracked.runId);
    this.handedOver.delete(tracked.runId);
    return true;
  }

  private async withRetries<T>(what: string, fn: (retried: boolean) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn(attempt > 0);
      } catch (err) {
        if (!(err instanceof KubeApiError && err.transient) || attempt + 1 >= this.attempts) throw err;
        this.opts.log.warn(`Kubernetes ${what} failed, retrying`, { ...this.where(), error: err.message });
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, this.backoff)));
      }
    }
  }

  /** Says once per outage what is wrong; the watches keep retrying with backoff meanwhile. */
  private onListError(err: KubeApiError, attempt: number): void {
    if (this.unreachable) {
      this.opts.log.debug('Kubernetes list failed again', { ...this.where(), attempt, error: err.message });
      return;
    }
    this.unreachable = true;
    const problem =
      err.status === 401 || err.status === 403
        ? `Kubernetes refused Trainyard's credentials (HTTP ${err.status}: ${err.message})`
        : err.status === 0
          ? `Cannot reach the Kubernetes API: ${err.message}`
          : `The Kubernetes API failed (HTTP ${err.status}: ${err.message})`;
    this.opts.log.error(`${problem}; check the kubeconfig context and the server, retrying.`, this.where());
  }

  private where(): Record<string, string> {
    return { context: this.opts.context, server: this.opts.api.server, namespace: this.opts.namespace };
  }

  /** A submit failure as one sentence; a rejected Job (422, 403...) keeps the API's own words. */
  private submitError(err: unknown): Error {
    if (!(err instanceof KubeApiError)) return err instanceof Error ? err : new Error(String(err));
    if (!err.transient) return new Error(err.message);
    return this.userError(err, 'create the Job');
  }

  private userError(err: unknown, action: string): Error {
    const detail = err instanceof Error ? err.message : String(err);
    return new Error(
      `Could not ${action} on the cluster at ${this.opts.api.server} (${detail}); try again later.`,
    );
  }
}

/** Five characters of [a-z0-9], like the suffixes Kubernetes itself puts on generated names. */
function randomSuffix(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(5)].map((b) => alphabet[b % alphabet.length]).join('');
}

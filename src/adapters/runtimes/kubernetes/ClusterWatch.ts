import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { MANAGED_SELECTOR } from '../../../core/run/run-identity.ts';
import type { Metrics } from '../../../ports/metrics.ts';
import type { BackoffPolicy } from '../../../shared/backoff.ts';
import type { Logger } from '../../../shared/log.ts';
import type { KubeApiError } from './api-error.ts';
import { MAIN_CONTAINER } from './job-manifest.ts';
import { jobFacts, type PodFacts, podFacts } from './job-status.ts';
import type { KubeApi } from './kube-api.ts';
import { ResourceWatch } from './ResourceWatch.ts';
import type { RunTracker } from './RunTracker.ts';

export interface ClusterWatchOptions {
  api: KubeApi;
  namespace: string;
  log: Logger;
  metrics: Metrics;
  backoff: BackoffPolicy;
  watchTimeoutSeconds: number;
  tracker: RunTracker;
  /** Told each pod of a run as it is seen (to read the commit its code's init container printed). */
  onPod?: (pod: PodFacts) => void;
  /** Where the cluster is, for logs: context, server, namespace. */
  where: () => Record<string, string>;
}

/**
 * One label-selected list+watch on Jobs and one on Pods for every run Trainyard manages, so API
 * traffic does not grow with the number of runs. It reduces what it sees to facts for the run
 * tracker, and says once per outage what is wrong with the cluster.
 */
export class ClusterWatch {
  /** Resolves after the first successful list of both Jobs and Pods; never rejects. */
  readonly whenSynced: Promise<void>;
  private resolveSynced!: () => void;
  private readonly jobs: ResourceWatch<V1Job>;
  private readonly pods: ResourceWatch<V1Pod>;
  private unreachable = false;

  constructor(private readonly opts: ClusterWatchOptions) {
    this.whenSynced = new Promise((resolve) => {
      this.resolveSynced = resolve;
    });
    const { api, namespace: ns, tracker } = opts;
    const common = {
      api,
      labelSelector: MANAGED_SELECTOR,
      restarts: opts.metrics.counter(
        'trainyard_kubernetes_watch_restarts_total',
        'Times a Kubernetes watch was restarted, by resource and reason (timeout, expired, error).',
        ['resource', 'reason'],
      ),
      backoff: opts.backoff,
      watchTimeoutSeconds: opts.watchTimeoutSeconds,
      onListError: (err: KubeApiError, attempt: number) => this.onListError(err, attempt),
    };
    this.jobs = new ResourceWatch<V1Job>({
      ...common,
      resource: 'jobs',
      path: `/apis/batch/v1/namespaces/${ns}/jobs`,
      list: () => api.listJobs(ns, MANAGED_SELECTOR),
      onSync: (items) => {
        tracker.jobsListed(items.map(jobFacts).filter((job) => job.runId));
        this.afterList();
      },
      onChange: (type, job) => {
        const facts = jobFacts(job);
        if (!facts.runId) return;
        if (type === 'DELETED') tracker.jobDeleted(facts.runId);
        else tracker.jobChanged(facts);
      },
    });
    this.pods = new ResourceWatch<V1Pod>({
      ...common,
      resource: 'pods',
      path: `/api/v1/namespaces/${ns}/pods`,
      list: () => api.listPods(ns, MANAGED_SELECTOR),
      onSync: (items) => {
        const pods = items.map((pod) => podFacts(pod, MAIN_CONTAINER)).filter((pod) => pod.runId);
        tracker.podsListed(pods);
        for (const pod of pods) opts.onPod?.(pod);
        this.afterList();
      },
      onChange: (type, pod) => {
        const facts = podFacts(pod, MAIN_CONTAINER);
        if (!facts.runId) return;
        if (type === 'DELETED') tracker.podDeleted(facts.runId, facts.name);
        else {
          tracker.podChanged(facts);
          opts.onPod?.(facts);
        }
      },
    });
  }

  /** True while the last lists of both succeeded: what we hold mirrors the cluster. */
  get synced(): boolean {
    return this.jobs.synced && this.pods.synced;
  }

  start(): void {
    this.jobs.start();
    this.pods.start();
  }

  async stop(): Promise<void> {
    await Promise.all([this.jobs.stop(), this.pods.stop()]);
  }

  private afterList(): void {
    if (!this.synced) return;
    if (this.unreachable) {
      this.unreachable = false;
      this.opts.log.info('connected to the Kubernetes API', this.opts.where());
    }
    this.opts.tracker.markSynced();
    this.resolveSynced();
  }

  /** Says once per outage what is wrong; the watches keep retrying with backoff meanwhile. */
  private onListError(err: KubeApiError, attempt: number): void {
    const where = this.opts.where();
    if (this.unreachable) {
      this.opts.log.debug('Kubernetes list failed again', { ...where, attempt, error: err.message });
      return;
    }
    this.unreachable = true;
    const problem =
      err.status === 401 || err.status === 403
        ? `Kubernetes refused Trainyard's credentials (HTTP ${err.status}: ${err.message})`
        : err.status === 0
          ? `Cannot reach the Kubernetes API: ${err.message}`
          : `The Kubernetes API failed (HTTP ${err.status}: ${err.message})`;
    this.opts.log.error(`${problem}; check the kubeconfig context and the server, retrying.`, where);
  }
}

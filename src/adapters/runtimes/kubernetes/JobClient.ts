import type { V1Job } from '@kubernetes/client-node';
import { LABELS, MANAGED_SELECTOR } from '../../../core/run/run-identity.ts';
import { type BackoffPolicy, retrying } from '../../../shared/backoff.ts';
import type { Logger } from '../../../shared/log.ts';
import { KubeApiError } from './api-error.ts';
import type { KubeApi } from './kube-api.ts';

export interface JobClientOptions {
  api: KubeApi;
  namespace: string;
  log: Logger;
  backoff: BackoffPolicy;
  /** Tries for a create or delete that meets transient errors. */
  attempts: number;
  /** Where the cluster is, for logs: context, server, namespace. */
  where: () => Record<string, string>;
}

/** A name clash whose Job vanished before we could look at it is tried again this often. */
const CLASH_RETRIES = 3;

/**
 * Creating and deleting a run's Jobs: retried on transient errors, and idempotent. A run's Job
 * name is fixed by its run id, so a create that meets a Job of the same name carrying the same
 * `trainyard.io/run` label (an earlier try whose reply was lost, or a second path to the same
 * launch) is that run's own Job: the create has already happened.
 */
export class JobClient {
  constructor(private readonly opts: JobClientOptions) {}

  async create(body: V1Job, runId: string): Promise<void> {
    const { api, namespace } = this.opts;
    const name = body.metadata?.name ?? '';
    for (let clash = 0; ; clash++) {
      try {
        await this.withRetries('create', () => api.createJob(namespace, body));
        return;
      } catch (err) {
        if (!(err instanceof KubeApiError && err.status === 409)) throw err;
        const existing = await this.withRetries('get', () => api.readJob(namespace, name)).catch((e) => {
          if (e instanceof KubeApiError && e.status === 404) return undefined;
          throw e;
        });
        const owner = existing?.metadata?.labels?.[LABELS.run];
        if (owner === runId) return;
        if (existing === undefined && clash < CLASH_RETRIES) continue;
        const who = owner ? `run ${owner}` : 'something other than Trainyard';
        throw new Error(
          `A Job named ${name} already exists and belongs to ${who}, so this run was not started; launch it again (a new launch gets a new name).`,
        );
      }
    }
  }

  /** Deletes every Job labelled with the run's id, and their pods in the background. */
  async deleteRun(runId: string): Promise<void> {
    const { api, namespace } = this.opts;
    const selector = `${MANAGED_SELECTOR},${LABELS.run}=${runId}`;
    await this.withRetries('delete', () => api.deleteJobs(namespace, selector));
  }

  /** A create failure as one sentence; a rejected Job (422, 403...) keeps the API's own words. */
  submitError(err: unknown): Error {
    if (!(err instanceof KubeApiError)) return err instanceof Error ? err : new Error(String(err));
    if (!err.transient) return new Error(err.message);
    return this.userError(err, 'create the Job');
  }

  /**
   * A stop failure as one sentence. A refusal (403) is the bot's RBAC, which no amount of waiting
   * changes: it says who must grant what, where the other failures say to try again later.
   */
  stopError(err: unknown): Error {
    if (err instanceof KubeApiError && err.status === 403) {
      return new Error(
        `The cluster refused to stop the Job because Trainyard's service account may not delete Jobs in namespace ${this.opts.namespace}; the platform team must grant it deletecollection on jobs there (the Role in deploy/role.yaml, described under "Deploy the bot to a cluster" in the README).`,
      );
    }
    return this.userError(err, 'stop the Job');
  }

  private userError(err: unknown, action: string): Error {
    const detail = err instanceof Error ? err.message : String(err);
    return new Error(
      `Could not ${action} on the cluster at ${this.opts.api.server} (${detail}); try again later.`,
    );
  }

  private withRetries<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return retrying(fn, {
      attempts: this.opts.attempts,
      policy: this.opts.backoff,
      retryable: (err) => err instanceof KubeApiError && err.transient,
      onRetry: (err) =>
        this.opts.log.warn(`Kubernetes ${what} failed, retrying`, {
          ...this.opts.where(),
          error: (err as Error).message,
        }),
    });
  }
}

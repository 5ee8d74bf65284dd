import type { Counter } from '../../../ports/metrics.ts';
import { type BackoffPolicy, backoffDelay, wakeableSleep } from '../../../shared/backoff.ts';
import { type KubeApiError, parseStatusBody, toKubeApiError } from './api-error.ts';
import type { KubeApi, ListResult } from './kube-api.ts';

interface WithMeta {
  metadata?: { resourceVersion?: string };
}

export interface ResourceWatchOptions<T extends WithMeta> {
  resource: 'jobs' | 'pods';
  api: KubeApi;
  /** The collection's URL path, e.g. /apis/batch/v1/namespaces/ml/jobs. */
  path: string;
  labelSelector: string;
  list: () => Promise<ListResult<T>>;
  /** The whole current set, after the first list and after every re-list. */
  onSync: (items: T[]) => void;
  onChange: (type: 'ADDED' | 'MODIFIED' | 'DELETED', object: T) => void;
  /** A list failed (the cluster is unreachable or refuses us); the watch keeps retrying. */
  onListError: (err: KubeApiError, attempt: number) => void;
  restarts: Counter;
  backoff: BackoffPolicy;
  /** The server ends each watch after this long; we then resume from the last resourceVersion. */
  watchTimeoutSeconds: number;
}

type WatchEnd = { kind: 'closed' | 'expired' | 'error'; resourceVersion: string; events: number };

/**
 * One list-then-watch loop over a label-selected collection, like client-go's reflector: list,
 * watch from the list's resourceVersion, resume after a normal close, re-list after `410 Expired`
 * or a broken connection (with backoff and jitter), forever until stop().
 */
export class ResourceWatch<T extends WithMeta> {
  /** True while the last list succeeded, i.e. what we hold mirrors the cluster. */
  synced = false;
  private stopped = false;
  private closeCurrent: (() => void) | undefined;
  private abandonCurrent: (() => void) | undefined;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(private readonly opts: ResourceWatchOptions<T>) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.closeCurrent?.();
    // A watch still waiting for the server's first reply cannot be aborted yet; stop waiting for it.
    this.abandonCurrent?.();
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { resource, restarts, backoff } = this.opts;
    let attempt = 0;
    let resourceVersion: string | undefined;
    while (!this.stopped) {
      if (resourceVersion === undefined) {
        try {
          const list = await this.opts.list();
          if (this.stopped) break;
          this.synced = true;
          this.opts.onSync(list.items);
          resourceVersion = list.resourceVersion;
          attempt = 0;
        } catch (err) {
          this.synced = false;
          this.opts.onListError(err as KubeApiError, attempt);
          await this.sleep(backoffDelay(attempt++, backoff));
          continue;
        }
      }
      const end = await this.watchFrom(resourceVersion);
      if (this.stopped) break;
      if (end.kind === 'closed') {
        // A normal end of a watch: resume where it stopped. A watch that ends at once, empty, is
        // treated like a failure so a misbehaving proxy cannot make us spin.
        resourceVersion = end.resourceVersion;
        restarts.inc({ resource, reason: 'timeout' });
        if (end.events > 0) attempt = 0;
        else await this.sleep(backoffDelay(attempt++, backoff));
      } else if (end.kind === 'expired') {
        resourceVersion = undefined;
        restarts.inc({ resource, reason: 'expired' });
      } else {
        // Disconnected: events may have been missed, so start over from a fresh list.
        resourceVersion = undefined;
        restarts.inc({ resource, reason: 'error' });
        await this.sleep(backoffDelay(attempt++, backoff));
      }
    }
  }

  private watchFrom(resourceVersion: string): Promise<WatchEnd> {
    const { api, resource, path, labelSelector, watchTimeoutSeconds } = this.opts;
    return new Promise((resolve) => {
      let kind: WatchEnd['kind'] = 'closed';
      let lastVersion = resourceVersion;
      let events = 0;
      const query = {
        labelSelector,
        resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: watchTimeoutSeconds,
      };
      const onEvent = (type: string, object: unknown) => {
        if (type === 'ERROR') {
          kind = parseStatusBody(object)?.code === 410 ? 'expired' : 'error';
          return;
        }
        const version = (object as WithMeta)?.metadata?.resourceVersion;
        if (version) lastVersion = version;
        if (type === 'BOOKMARK') return;
        events++;
        this.opts.onChange(type as 'ADDED' | 'MODIFIED' | 'DELETED', object as T);
      };
      let finished = false;
      const onDone = (err: KubeApiError | null) => {
        if (finished) return;
        finished = true;
        this.closeCurrent = undefined;
        this.abandonCurrent = undefined;
        if (err && kind === 'closed') kind = err.status === 410 ? 'expired' : 'error';
        resolve({ kind, resourceVersion: lastVersion, events });
      };
      this.abandonCurrent = () => onDone(null);
      api.watch(resource, path, query, onEvent, onDone).then(
        (close) => {
          if (this.stopped || finished) close();
          else this.closeCurrent = close;
        },
        (err) => onDone(toKubeApiError(err)),
      );
    });
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const sleep = wakeableSleep(ms);
    this.wake = sleep.wake;
    return sleep.done;
  }
}

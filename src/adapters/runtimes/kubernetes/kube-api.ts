import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import {
  BatchV1Api,
  type ConfigurationOptions,
  CoreV1Api,
  type KubeConfig,
  Observable,
  type ObservableMiddleware,
  type V1Job,
  type V1Pod,
  Watch,
} from '@kubernetes/client-node';
import type { Counter, Metrics } from '../../../ports/metrics.ts';
import { KubeApiError, replyError, toKubeApiError } from './api-error.ts';
import { KeepAliveAgents } from './keep-alive-agent.ts';
import { KeepAliveHttp } from './keep-alive-http.ts';

export interface ListResult<T> {
  items: T[];
  resourceVersion: string;
}

/** A watch event as the API server sends it (objects are plain JSON: timestamps are strings). */
type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/**
 * The handful of Kubernetes calls Trainyard makes, each counted by verb and HTTP code, each with a
 * timeout, and each failing with a KubeApiError (never a raw ApiException).
 */
export class KubeApi {
  private readonly batch: BatchV1Api;
  private readonly core: CoreV1Api;
  private readonly watcher: Watch;
  private readonly requests: Counter;
  private readonly callOptions: ConfigurationOptions;
  /** Plain calls share keep-alive connections (client-node would open one per call). */
  private readonly transport = new KeepAliveHttp();
  /**
   * Log streams share agents too (client-node builds one per call, which adds up over a thousand
   * open streams), one connection per stream, made again when the TLS settings change.
   */
  private readonly logAgents = new KeepAliveAgents(Number.POSITIVE_INFINITY);

  constructor(
    private readonly kubeConfig: KubeConfig,
    metrics: Metrics,
    /** Applies to plain requests, not to watches and log streams, which stay open on purpose. */
    private readonly requestTimeoutMs = 30_000,
  ) {
    this.batch = kubeConfig.makeApiClient(BatchV1Api);
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.watcher = new Watch(kubeConfig);
    this.requests = metrics.counter(
      'trainyard_kubernetes_requests_total',
      'Requests Trainyard sent to the Kubernetes API, by verb, resource and HTTP code (0: no answer).',
      ['verb', 'resource', 'code'],
    );
    const timeoutMs = this.requestTimeoutMs;
    const timeout: ObservableMiddleware = {
      pre: (ctx) => {
        ctx.setSignal(AbortSignal.timeout(timeoutMs));
        return new Observable(Promise.resolve(ctx));
      },
      post: (ctx) => new Observable(Promise.resolve(ctx)),
    };
    this.callOptions = {
      middleware: [timeout],
      middlewareMergeStrategy: 'append',
      httpApi: this.transport.library,
    };
  }

  /** The API server's URL, for messages. */
  get server(): string {
    return this.kubeConfig.getCurrentCluster()?.server ?? '(no cluster)';
  }

  createJob(namespace: string, body: V1Job): Promise<V1Job> {
    return this.call('create', 'jobs', () =>
      this.batch.createNamespacedJob({ namespace, body }, this.callOptions),
    );
  }

  readJob(namespace: string, name: string): Promise<V1Job> {
    return this.call('get', 'jobs', () =>
      this.batch.readNamespacedJob({ namespace, name }, this.callOptions),
    );
  }

  /**
   * Deletes every Job the label selector matches and, in the background, their pods (the API's
   * default would orphan them). Matching nothing is not an error.
   */
  async deleteJobs(namespace: string, labelSelector: string): Promise<void> {
    await this.call('deletecollection', 'jobs', () =>
      this.batch.deleteCollectionNamespacedJob(
        { namespace, labelSelector, propagationPolicy: 'Background' },
        this.callOptions,
      ),
    );
  }

  async listJobs(namespace: string, labelSelector: string): Promise<ListResult<V1Job>> {
    const list = await this.call('list', 'jobs', () =>
      this.batch.listNamespacedJob({ namespace, labelSelector }, this.callOptions),
    );
    return { items: list.items, resourceVersion: list.metadata?.resourceVersion ?? '' };
  }

  async listPods(namespace: string, labelSelector: string): Promise<ListResult<V1Pod>> {
    const list = await this.call('list', 'pods', () =>
      this.core.listNamespacedPod({ namespace, labelSelector }, this.callOptions),
    );
    return { items: list.items, resourceVersion: list.metadata?.resourceVersion ?? '' };
  }

  readPodLog(namespace: string, name: string, container: string, tailLines: number): Promise<string> {
    return this.call('get', 'pods/log', () =>
      this.core.readNamespacedPodLog({ namespace, name, container, tailLines }, this.callOptions),
    );
  }

  /**
   * Opens a watch; `onEvent` gets every event, `onDone` is called exactly once when the stream
   * ends for any reason (with the error, if there was one). Returns a function that closes it.
   */
  async watch(
    resource: 'jobs' | 'pods',
    path: string,
    query: Record<string, string | number | boolean>,
    onEvent: (type: WatchEventType, object: unknown) => void,
    onDone: (err: KubeApiError | null) => void,
  ): Promise<() => void> {
    let counted = false;
    const count = (code: number) => {
      if (counted) return;
      counted = true;
      this.record('watch', resource, code);
    };
    const controller = await this.watcher.watch(
      path,
      query,
      (type, object) => {
        count(200);
        onEvent(type as WatchEventType, object);
      },
      (err) => {
        const apiErr = err && (err as { name?: string }).name !== 'AbortError' ? toKubeApiError(err) : null;
        count(apiErr ? apiErr.status : 200);
        onDone(apiErr);
      },
    );
    return () => controller.abort();
  }

  /**
   * Streams a container's log with RFC 3339 timestamps. Our own request rather than client-node's
   * Log.log, because Log.log pipes the body into the caller's stream and never reports a dropped
   * connection, so a broken follow could not be noticed and resumed.
   */
  async followLog(
    namespace: string,
    pod: string,
    container: string,
    sinceTime?: string,
  ): Promise<IncomingMessage> {
    const cluster = this.kubeConfig.getCurrentCluster();
    if (!cluster) throw new KubeApiError(0, 'The kubeconfig has no current cluster.');
    const url = new URL(`${cluster.server}/api/v1/namespaces/${namespace}/pods/${pod}/log`);
    url.searchParams.set('container', container);
    url.searchParams.set('follow', 'true');
    url.searchParams.set('timestamps', 'true');
    if (sinceTime) url.searchParams.set('sinceTime', sinceTime);
    // Asked each time, so refreshed credentials (exec plugins, OIDC) are picked up.
    const init = await this.kubeConfig.applyToFetchOptions({});
    const headers: Record<string, string> = {};
    (init.headers as Headers | undefined)?.forEach((value, name) => {
      headers[name] = value;
    });
    const agent = init.agent && this.logAgents.agentFor(init.agent as http.Agent);
    const get = url.protocol === 'https:' ? https.get : http.get;
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = get(url, { agent, headers }, resolve);
      req.on('error', reject);
    }).catch((err) => {
      this.record('get', 'pods/log', 0);
      throw toKubeApiError(err);
    });
    this.record('get', 'pods/log', res.statusCode ?? 0);
    if (res.statusCode === 200) return res;
    throw replyError(res.statusCode ?? 0, await readBody(res));
  }

  /** Closes the idle keep-alive connections; calls still under way finish. */
  close(): void {
    this.transport.close();
    this.logAgents.close();
  }

  private record(verb: string, resource: string, code: number): void {
    this.requests.inc({ verb, resource, code: String(code) });
  }

  private async call<T>(verb: string, resource: string, fn: () => Promise<T>): Promise<T> {
    try {
      const result = await fn();
      this.record(verb, resource, verb === 'create' ? 201 : 200);
      return result;
    } catch (err) {
      const apiErr = toKubeApiError(err);
      this.record(verb, resource, apiErr.status);
      throw apiErr;
    }
  }
}

async function readBody(res: IncomingMessage): Promise<string> {
  let text = '';
  res.setEncoding('utf8');
  for await (const chunk of res) text += chunk;
  return text;
}

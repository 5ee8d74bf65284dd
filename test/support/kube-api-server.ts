/**
 * A loopback fake of the Kubernetes API server, speaking its wire protocol closely enough for the
 * real @kubernetes/client-node: JSON lists with a resourceVersion whose items carry no kind or
 * apiVersion, newline-delimited watch events from a resourceVersion (with `410 Expired` ERROR
 * events once history is compacted), Status bodies for 404/409/422, label selectors (on lists,
 * watches and deletecollection), and chunked `follow` pod logs with timestamps and sinceTime.
 *
 * It plays the Job controller and the kubelet under the test's control: creating a Job creates its
 * pod; the test then schedules, starts, logs, terminates, evicts... Faults can be injected per
 * request (status codes, delays), and open watches and log streams can be dropped or expired.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LABELS } from '../../src/core/run/run-identity.ts';
import { type LogPace, PacedLogStream } from './paced-log-stream.ts';

type Kind = 'jobs' | 'pods';
// biome-ignore lint/suspicious/noExplicitAny: stored objects are free-form Kubernetes JSON
type Obj = Record<string, any>;

interface StoredEvent {
  rv: number;
  kind: Kind;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: Obj;
}

interface OpenWatch {
  kind: Kind;
  namespace: string;
  selector: (labels: Record<string, string>) => boolean;
  res: ServerResponse;
  timer?: NodeJS.Timeout;
}

interface LogLine {
  time: string;
  text: string;
}

/** An open follow stream of a pod's log: lines go out through `send`; `end` says the container ended. */
interface LogStream {
  res: ServerResponse;
  send(line: string): void;
  end(): void;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  status: number;
  /** When it arrived (performance.now()), for benchmarks that time what caused it. */
  at: number;
}

/**
 * What a pod does on its own once created, as a kubelet running a real job would: its container
 * starts, prints `lines` one every `lineMs`, then exits with `exitCode`. A pod deleted meanwhile
 * (its Job stopped) plays no further.
 */
export interface PodScript {
  lines: string[];
  exitCode?: number;
  /** Pause before each line and before the exit (default 10 ms). */
  lineMs?: number;
  /** Pause before the container starts (default 0). */
  startMs?: number;
}

export interface Fault {
  method?: string;
  /** Substring or pattern of the path (without query). */
  path?: string | RegExp;
  /** Only requests with (true) or without (false) watch=true. */
  watch?: boolean;
  /** Answer with this status and a Status body instead of serving the request. */
  status?: number;
  /** Wait this long before serving (or failing) the request. */
  delayMs?: number;
  /** Wait until this settles before serving (or failing) the request: a test decides when. */
  until?: Promise<unknown>;
  /** How many requests it applies to; unlimited when not given. */
  times?: number;
}

const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+)?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** "k=v,k!=v,k" label selectors. */
export function parseSelector(selector: string | null): (labels: Record<string, string>) => boolean {
  const terms = (selector ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)
    .map((t) => {
      const ne = t.split('!=');
      if (ne.length === 2) return (l: Record<string, string>) => l[ne[0]] !== ne[1];
      const eq = t.split(/==?/);
      if (eq.length === 2) return (l: Record<string, string>) => l[eq[0]] === eq[1];
      return (l: Record<string, string>) => t in l;
    });
  return (labels) => terms.every((term) => term(labels ?? {}));
}

const status = (code: number, reason: string, message: string, details?: Obj): Obj => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  ...(details && { details }),
  code,
});

const clone = <T>(o: T): T => structuredClone(o);

export class FakeKubeApiServer {
  readonly requests: RecordedRequest[] = [];
  /** Create a pod as soon as a Job is created (the Job controller's job). */
  autoCreatePods = true;
  /** How many past events a watch may resume from; older resourceVersions get 410 Expired. */
  historyLimit = 10_000;
  /** TCP connections accepted so far: a client that reuses its connections keeps this small. */
  connectionsAccepted = 0;
  /** When the last request arrived (Date.now()), 0 before the first. */
  lastRequestAt = 0;

  private readonly store: Record<Kind, Map<string, Obj>> = { jobs: new Map(), pods: new Map() };
  private history: StoredEvent[] = [];
  private rv = 1;
  private readonly watches = new Set<OpenWatch>();
  private readonly logs = new Map<string, LogLine[]>();
  /** Logs of init containers, by `<pod>/<container>`. */
  private readonly initLogs = new Map<string, LogLine[]>();
  private readonly logStreams = new Map<string, Set<LogStream>>();
  /** Pods whose log streams are slower than their container (see paceLog). */
  private readonly paces = new Map<string, LogPace>();
  private readonly sockets = new Set<Socket>();
  /** The resourceVersion each object was created at: creation order, finer than timestamps. */
  private readonly creation = new WeakMap<Obj, number>();
  private faults: Fault[] = [];
  /** Timers of pods playing their scripts, cleared on close. */
  private readonly playing = new Set<NodeJS.Timeout>();
  /**
   * Set to let pods run by themselves: called for each new pod (with its Job), it returns the
   * pod's script, or undefined to leave that pod to the test.
   */
  playPods?: (pod: Obj, job: Obj) => PodScript | undefined;
  private refusing = false;
  private clockNs = 0n;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeKubeApiServer> {
    let fake!: FakeKubeApiServer;
    const server = createServer((req, res) => {
      fake.handle(req, res).catch((err) => {
        if (!res.headersSent) fake.send(res, 500, status(500, 'InternalError', String(err)));
        else res.destroy();
      });
    });
    server.on('connection', (socket) => {
      if (fake?.refusing) {
        socket.destroy();
        return;
      }
      fake?.sockets.add(socket);
      if (fake) fake.connectionsAccepted++;
      socket.on('close', () => fake?.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeKubeApiServer(server, `http://127.0.0.1:${port}`);
    return fake;
  }

  /** A kubeconfig file for this server (plain http, so insecure-skip-tls-verify must be set). */
  writeKubeconfig(opts: { namespace?: string; context?: string; dir?: string } = {}): string {
    const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'trainyard-kube-'));
    const file = join(dir, 'kubeconfig');
    const context = opts.context ?? 'fake';
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: fake',
        '  cluster:',
        `    server: ${this.url}`,
        '    insecure-skip-tls-verify: true',
        'users:',
        '- name: tester',
        '  user:',
        '    token: fake-token',
        'contexts:',
        `- name: ${context}`,
        '  context:',
        '    cluster: fake',
        '    user: tester',
        ...(opts.namespace ? [`    namespace: ${opts.namespace}`] : []),
        `current-context: ${context}`,
        '',
      ].join('\n'),
    );
    return file;
  }

  async close(): Promise<void> {
    for (const t of this.playing) clearTimeout(t);
    this.playing.clear();
    for (const w of this.watches) clearTimeout(w.timer);
    this.watches.clear();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // --- inspection -------------------------------------------------------------------------------

  jobs(): Obj[] {
    return [...this.store.jobs.values()].map(clone);
  }

  pods(): Obj[] {
    return [...this.store.pods.values()].map(clone);
  }

  jobOf(runId: string): Obj | undefined {
    for (const job of this.store.jobs.values()) {
      if (job.metadata.labels?.[LABELS.run] === runId) return clone(job);
    }
    return undefined;
  }

  /** The run's newest pod. */
  podOf(runId: string): Obj | undefined {
    let newest: Obj | undefined;
    for (const pod of this.store.pods.values()) {
      if (pod.metadata.labels?.[LABELS.run] !== runId) continue;
      if (!newest || this.createdAt(pod) > this.createdAt(newest)) newest = pod;
    }
    return newest && clone(newest);
  }

  private createdAt(obj: Obj): number {
    return this.creation.get(obj) ?? 0;
  }

  /** Requests so far, optionally only those of one method whose path includes `path`. */
  count(method?: string, path?: string, watch?: boolean): number {
    return this.requests.filter(
      (r) =>
        (!method || r.method === method) &&
        (!path || r.path.includes(path)) &&
        (watch === undefined || (r.query.get('watch') === 'true') === watch),
    ).length;
  }

  openWatches(): number {
    return this.watches.size;
  }

  // --- faults -------------------------------------------------------------------------------------

  fault(f: Fault): void {
    this.faults.push({ ...f });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** New connections are closed at once, as if nothing listened (open ones are dropped too). */
  refuseConnections(refuse: boolean): void {
    this.refusing = refuse;
    if (refuse) for (const s of this.sockets) s.destroy();
  }

  /** Cuts every open watch connection mid-stream. */
  dropWatches(): void {
    for (const w of this.watches) {
      clearTimeout(w.timer);
      w.res.destroy();
    }
    this.watches.clear();
  }

  /**
   * From now on the pod's log streams send one line every `pace.lineMs`, however fast the container
   * prints them, and end only once every line is out (or never, see LogPace.afterLast), even after it ended.
   */
  paceLog(pod: string, pace: LogPace): void {
    this.paces.set(pod, pace);
  }

  /** Cuts every open log stream mid-stream. */
  dropLogStreams(): void {
    for (const streams of this.logStreams.values()) for (const s of streams) s.res.destroy();
    this.logStreams.clear();
  }

  /** Forgets the event history: watches resuming from before now get 410 Expired. */
  compact(): void {
    this.history = [];
  }

  /** Sends `410 Expired` to every open watch and ends it, as the server does after compaction. */
  expireWatches(): void {
    this.compact();
    for (const w of this.watches) {
      clearTimeout(w.timer);
      const expired = status(410, 'Expired', 'too old resource version: 1 (2)');
      w.res.end(`${JSON.stringify({ type: 'ERROR', object: expired })}\n`);
    }
    this.watches.clear();
  }

  // --- the Job controller and kubelet, under test control ----------------------------------------

  /** Creates the next pod of a Job (done automatically on create and on retries). */
  createPod(jobName: string, namespace = this.namespaceOf('jobs', jobName)): Obj {
    const job = this.get('jobs', namespace, jobName);
    const template = job.spec.template;
    const name = `${jobName}-${randomBytes(3).toString('hex').slice(0, 5)}`;
    const pod: Obj = {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: {
        name,
        namespace,
        labels: { ...template.metadata?.labels, 'batch.kubernetes.io/job-name': jobName },
        ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: jobName, uid: job.metadata.uid }],
      },
      spec: clone(template.spec),
      status: { phase: 'Pending', conditions: [] },
    };
    this.put('pods', pod, 'ADDED');
    this.updateJob(namespace, jobName, (j) => {
      j.status.active = (j.status.active ?? 0) + 1;
      j.status.startTime ??= new Date().toISOString();
    });
    const script = this.playPods?.(clone(pod), clone(job));
    if (script) this.play(namespace, name, script);
    return this.get('pods', namespace, name);
  }

  /** Plays a pod's script on timers; each step first checks the pod is still there. */
  private play(namespace: string, pod: string, script: PodScript): void {
    const lineMs = script.lineMs ?? 10;
    let at = script.startMs ?? 0;
    const step = (action: () => void) => {
      const timer = setTimeout(() => {
        this.playing.delete(timer);
        if (this.store.pods.has(`${namespace}/${pod}`)) action();
      }, at);
      this.playing.add(timer);
    };
    step(() => this.startContainer(pod));
    for (const line of script.lines) {
      at += lineMs;
      step(() => this.log(pod, [line]));
    }
    at += lineMs;
    step(() => this.terminate(pod, script.exitCode ?? 0));
  }

  unschedulable(pod: string, message: string): void {
    this.updatePod(pod, (p) => {
      p.status.conditions = [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message,
          lastTransitionTime: now(),
        },
      ];
    });
  }

  /** Scheduled on a node; the kubelet took it (startTime) and the container waits with `reason`. */
  waiting(pod: string, reason: string, message?: string): void {
    this.updatePod(pod, (p) => {
      p.spec.nodeName = 'node-1';
      p.status.conditions = [{ type: 'PodScheduled', status: 'True', lastTransitionTime: now() }];
      p.status.startTime ??= now();
      p.status.containerStatuses = [this.containerStatus(p, { waiting: { reason, message } })];
    });
  }

  startContainer(pod: string): void {
    this.updatePod(pod, (p) => {
      p.spec.nodeName = 'node-1';
      p.status.phase = 'Running';
      p.status.startTime ??= now();
      p.status.conditions = [{ type: 'PodScheduled', status: 'True', lastTransitionTime: now() }];
      p.status.containerStatuses = [this.containerStatus(p, { running: { startedAt: now() } })];
    });
  }

  /** An init container (e.g. the clone of a run's code) runs; the pod waits in PodInitializing. */
  startInit(pod: string, container: string): void {
    this.updatePod(pod, (p) => {
      p.spec.nodeName = 'node-1';
      p.status.startTime ??= now();
      p.status.conditions = [{ type: 'PodScheduled', status: 'True', lastTransitionTime: now() }];
      p.status.initContainerStatuses = [this.initStatus(p, container, { running: { startedAt: now() } })];
      p.status.containerStatuses = [this.containerStatus(p, { waiting: { reason: 'PodInitializing' } })];
    });
  }

  /**
   * An init container prints `lines` and exits. With 0 the pod goes on to its main container
   * (started by startContainer); otherwise, as with `restartPolicy: Never`, the pod fails with the
   * container's last lines as its termination message (FallbackToLogsOnError) and the Job
   * controller counts a failed attempt.
   */
  finishInit(pod: string, container: string, exitCode: number, lines: string[]): void {
    const key = `${pod}/${container}`;
    const stored = this.initLogs.get(key) ?? [];
    this.initLogs.set(key, stored);
    for (const text of lines) stored.push({ time: this.nextTime(), text });
    const terminated = {
      exitCode,
      reason: exitCode === 0 ? 'Completed' : 'Error',
      ...(exitCode !== 0 && { message: lines.slice(-80).join('\n') }),
      finishedAt: now(),
    };
    this.updatePod(pod, (p) => {
      p.status.initContainerStatuses = [this.initStatus(p, container, { terminated })];
      if (exitCode !== 0) p.status.phase = 'Failed';
    });
    if (exitCode !== 0) this.failAttempt(pod);
  }

  /** Appends log lines; `time` pins their timestamp (to test resuming within one second). */
  log(pod: string, lines: string[], time?: string): void {
    const stored = this.logs.get(pod) ?? [];
    this.logs.set(pod, stored);
    for (const text of lines) {
      const line = { time: time ?? this.nextTime(), text };
      stored.push(line);
      for (const s of this.logStreams.get(pod) ?? []) s.send(`${line.time} ${line.text}\n`);
    }
  }

  /** The container exits; the Job controller then completes the Job, retries, or fails it. */
  terminate(
    pod: string,
    exitCode: number,
    reason = exitCode === 0 ? 'Completed' : 'Error',
    message?: string,
  ): void {
    const p = this.findPod(pod);
    const jobName = p.metadata.labels['batch.kubernetes.io/job-name'];
    const ns = p.metadata.namespace;
    this.updatePod(pod, (q) => {
      q.status.phase = exitCode === 0 ? 'Succeeded' : 'Failed';
      q.status.containerStatuses = [
        this.containerStatus(q, { terminated: { exitCode, reason, message, finishedAt: now() } }),
      ];
    });
    this.endLogStreams(pod);
    if (!this.store.jobs.has(`${ns}/${jobName}`)) return;
    if (exitCode === 0) {
      this.updateJob(ns, jobName, (j) => {
        j.status.active = Math.max(0, (j.status.active ?? 1) - 1);
        j.status.succeeded = 1;
        j.status.completionTime = now();
        j.status.conditions = [{ type: 'Complete', status: 'True', lastTransitionTime: now() }];
      });
      return;
    }
    this.failAttempt(pod);
  }

  /** The Job controller counts a failed pod: it retries, or fails the Job past its backoff limit. */
  private failAttempt(pod: string): void {
    const p = this.findPod(pod);
    const jobName = p.metadata.labels['batch.kubernetes.io/job-name'];
    const ns = p.metadata.namespace;
    if (!this.store.jobs.has(`${ns}/${jobName}`)) return;
    let retry = false;
    this.updateJob(ns, jobName, (j) => {
      j.status.active = Math.max(0, (j.status.active ?? 1) - 1);
      j.status.failed = (j.status.failed ?? 0) + 1;
      if (j.status.failed > (j.spec.backoffLimit ?? 6)) {
        j.status.conditions = [
          {
            type: 'Failed',
            status: 'True',
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
            lastTransitionTime: now(),
          },
        ];
      } else retry = true;
    });
    if (retry && this.autoCreatePods) this.createPod(jobName, ns);
  }

  /** The pod is evicted (e.g. node pressure) and counts as a failed attempt. */
  evict(pod: string, message: string): void {
    const p = this.findPod(pod);
    this.updatePod(pod, (q) => {
      q.status.phase = 'Failed';
      q.status.reason = 'Evicted';
      q.status.message = message;
    });
    this.endLogStreams(pod);
    const ns = p.metadata.namespace;
    const jobName = p.metadata.labels['batch.kubernetes.io/job-name'];
    this.updateJob(ns, jobName, (j) => {
      j.status.failed = (j.status.failed ?? 0) + 1;
      j.status.active = 0;
      j.status.conditions = [
        {
          type: 'Failed',
          status: 'True',
          reason: 'BackoffLimitExceeded',
          message: 'limit',
          lastTransitionTime: now(),
        },
      ];
    });
  }

  /** activeDeadlineSeconds passed: the controller kills the pods and fails the Job. */
  deadlineExceeded(jobName: string): void {
    const ns = this.namespaceOf('jobs', jobName);
    this.updateJob(ns, jobName, (j) => {
      j.status.active = 0;
      j.status.failed = (j.status.failed ?? 0) + 1;
      j.status.conditions = [
        {
          type: 'Failed',
          status: 'True',
          reason: 'DeadlineExceeded',
          message: 'Job was active longer than specified deadline',
          lastTransitionTime: now(),
        },
      ];
    });
    for (const pod of this.podsOfJob(ns, jobName)) this.remove('pods', ns, pod.metadata.name);
  }

  /** Someone else (kubectl, the TTL controller) deletes the Job and its pods. */
  deleteJobExternally(jobName: string): void {
    const ns = this.namespaceOf('jobs', jobName);
    this.remove('jobs', ns, jobName);
    for (const pod of this.podsOfJob(ns, jobName)) this.remove('pods', ns, pod.metadata.name);
  }

  // --- HTTP ---------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    const watch = url.searchParams.get('watch') === 'true';
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      status: 0,
      at: performance.now(),
    };
    this.requests.push(record);
    this.lastRequestAt = Date.now();
    res.on('finish', () => {
      record.status = res.statusCode;
    });
    record.status = 200;
    const body = method === 'POST' || method === 'PUT' ? await readJson(req) : undefined;

    const fault = this.takeFault(method, url.pathname, watch);
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.until) await fault.until.catch(() => {});
    if (fault?.status) {
      record.status = fault.status;
      this.send(res, fault.status, status(fault.status, 'InternalError', `injected fault ${fault.status}`));
      return;
    }

    let m = /^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs(?:\/([^/]+))?$/.exec(url.pathname);
    if (m) {
      this.serveJobs(method, m[1], m[2], url.searchParams, body, res, watch);
      return;
    }
    m = /^\/api\/v1\/namespaces\/([^/]+)\/pods(?:\/([^/]+))?(\/log)?$/.exec(url.pathname);
    if (m?.[3]) {
      this.serveLog(m[1], m[2], url.searchParams, res);
      return;
    }
    if (m && method === 'GET') {
      this.serveCollection('pods', m[1], m[2], url.searchParams, res, watch);
      return;
    }
    this.send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
  }

  private serveJobs(
    method: string,
    ns: string,
    name: string | undefined,
    query: URLSearchParams,
    body: Obj | undefined,
    res: ServerResponse,
    watch: boolean,
  ): void {
    if (method === 'GET') {
      this.serveCollection('jobs', ns, name, query, res, watch);
      return;
    }
    if (method === 'POST' && !name) {
      this.createJob(ns, body ?? {}, res);
      return;
    }
    if (method === 'DELETE' && name) {
      const job = this.store.jobs.get(`${ns}/${name}`);
      if (!job) {
        this.send(res, 404, status(404, 'NotFound', `jobs.batch "${name}" not found`));
        return;
      }
      this.deleteJob(ns, name, query);
      this.send(res, 200, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: { name, group: 'batch', kind: 'jobs', uid: job.metadata.uid },
      });
      return;
    }
    if (method === 'DELETE') {
      // deletecollection: every Job the selector matches (all of them without one); the reply
      // lists what was deleted, as a real server's does. Matching nothing is no error.
      const selector = parseSelector(query.get('labelSelector'));
      const deleted = [...this.store.jobs.values()].filter(
        (j) => j.metadata.namespace === ns && selector(j.metadata.labels),
      );
      for (const job of deleted) this.deleteJob(ns, job.metadata.name, query);
      this.send(res, 200, {
        kind: 'JobList',
        apiVersion: 'batch/v1',
        metadata: { resourceVersion: String(this.rv) },
        items: deleted.map(({ kind: _k, apiVersion: _a, ...rest }) => rest),
      });
      return;
    }
    this.send(res, 405, status(405, 'MethodNotAllowed', `${method} is not supported here`));
  }

  /** Without a propagation policy the API orphans a Job's pods, as a real server does. */
  private deleteJob(ns: string, name: string, query: URLSearchParams): void {
    this.remove('jobs', ns, name);
    const policy = query.get('propagationPolicy');
    if (policy === 'Background' || policy === 'Foreground') {
      for (const pod of this.podsOfJob(ns, name)) this.remove('pods', ns, pod.metadata.name);
    }
  }

  private createJob(ns: string, job: Obj, res: ServerResponse): void {
    const name: string = job.metadata?.name ?? '';
    const invalid = validateJob(job);
    if (invalid) {
      this.send(
        res,
        422,
        status(422, 'Invalid', `Job.batch "${name}" is invalid: ${invalid}`, {
          name,
          group: 'batch',
          kind: 'Job',
        }),
      );
      return;
    }
    if (this.store.jobs.has(`${ns}/${name}`)) {
      this.send(res, 409, status(409, 'AlreadyExists', `jobs.batch "${name}" already exists`));
      return;
    }
    const stored = clone(job);
    stored.kind = 'Job';
    stored.apiVersion = 'batch/v1';
    stored.metadata.namespace = ns;
    stored.spec.backoffLimit ??= 6;
    stored.status = {};
    this.put('jobs', stored, 'ADDED');
    this.send(res, 201, this.get('jobs', ns, name));
    if (this.autoCreatePods) this.createPod(name, ns);
  }

  private serveCollection(
    kind: Kind,
    ns: string,
    name: string | undefined,
    query: URLSearchParams,
    res: ServerResponse,
    watch: boolean,
  ): void {
    if (name) {
      const obj = this.store[kind].get(`${ns}/${name}`);
      if (!obj) {
        this.send(res, 404, status(404, 'NotFound', `${kindName(kind)} "${name}" not found`));
        return;
      }
      this.send(res, 200, obj);
      return;
    }
    const selector = parseSelector(query.get('labelSelector'));
    if (watch) {
      this.openWatch(kind, ns, selector, query, res);
      return;
    }
    const items = [...this.store[kind].values()]
      .filter((o) => o.metadata.namespace === ns && selector(o.metadata.labels))
      .map(({ kind: _k, apiVersion: _a, ...rest }) => rest);
    this.send(res, 200, {
      kind: kind === 'jobs' ? 'JobList' : 'PodList',
      apiVersion: kind === 'jobs' ? 'batch/v1' : 'v1',
      metadata: { resourceVersion: String(this.rv) },
      items,
    });
  }

  private openWatch(
    kind: Kind,
    ns: string,
    selector: (labels: Record<string, string>) => boolean,
    query: URLSearchParams,
    res: ServerResponse,
  ): void {
    const from = Number(query.get('resourceVersion') ?? this.rv);
    res.writeHead(200, { 'content-type': 'application/json' });
    // A real server answers at once and streams events later; without this, no headers until one.
    res.flushHeaders();
    const oldest = this.history[0]?.rv ?? this.rv + 1;
    if (from < oldest - 1 && from < this.rv) {
      const expired = status(410, 'Expired', `too old resource version: ${from} (${oldest - 1})`);
      res.end(`${JSON.stringify({ type: 'ERROR', object: expired })}\n`);
      return;
    }
    const w: OpenWatch = { kind, namespace: ns, selector, res };
    for (const e of this.history) if (e.rv > from) this.deliver(w, e);
    this.watches.add(w);
    const timeout = Number(query.get('timeoutSeconds') ?? 0);
    if (timeout > 0) {
      w.timer = setTimeout(() => {
        this.watches.delete(w);
        res.end();
      }, timeout * 1000);
      w.timer.unref();
    }
    res.on('close', () => {
      clearTimeout(w.timer);
      this.watches.delete(w);
    });
  }

  private deliver(w: OpenWatch, e: StoredEvent): void {
    if (
      w.kind !== e.kind ||
      e.object.metadata.namespace !== w.namespace ||
      !w.selector(e.object.metadata.labels)
    ) {
      return;
    }
    w.res.write(`${JSON.stringify({ type: e.type, object: e.object })}\n`);
  }

  private serveLog(ns: string, name: string, query: URLSearchParams, res: ServerResponse): void {
    const pod = this.store.pods.get(`${ns}/${name}`);
    if (!pod) {
      this.send(res, 404, status(404, 'NotFound', `pods "${name}" not found`));
      return;
    }
    const container = query.get('container');
    if (!container) {
      this.send(
        res,
        400,
        status(
          400,
          'BadRequest',
          `a container name must be specified for pod ${name}, choose one of: [main]`,
        ),
      );
      return;
    }
    const init = (pod.spec.initContainers ?? []).some((c: Obj) => c.name === container);
    const statuses: Obj[] = (init ? pod.status.initContainerStatuses : pod.status.containerStatuses) ?? [];
    const state = (init ? statuses.find((c) => c.name === container) : statuses[0])?.state ?? {};
    if (!state.running && !state.terminated) {
      const why = state.waiting?.reason ?? 'ContainerCreating';
      this.send(
        res,
        400,
        status(400, 'BadRequest', `container "${container}" in pod "${name}" is waiting to start: ${why}`),
      );
      return;
    }
    const since = query.get('sinceTime');
    let lines = ((init ? this.initLogs.get(`${name}/${container}`) : this.logs.get(name)) ?? []).filter(
      (l) => !since || l.time.slice(0, 19) >= since.slice(0, 19),
    );
    const tail = Number(query.get('tailLines') ?? 0);
    if (tail > 0) lines = lines.slice(-tail);
    const stamp = query.get('timestamps') === 'true';
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.flushHeaders();
    const text = lines.map((l) => `${stamp ? `${l.time} ` : ''}${l.text}\n`);
    const ended = query.get('follow') !== 'true' || state.terminated;
    const pace = !init && this.paces.get(name);
    if (pace) {
      this.openLogStream(name, new PacedLogStream(res, pace, text, () => this.nextTime()), ended);
      return;
    }
    for (const line of text) res.write(line);
    if (ended) {
      res.end();
      return;
    }
    // Real follow streams always carry timestamps here: the runtime asks for them.
    this.openLogStream(name, { res, send: (line) => res.write(line), end: () => res.end() }, false);
  }

  private openLogStream(name: string, stream: LogStream, ended: boolean): void {
    if (ended) stream.end();
    const set = this.logStreams.get(name) ?? new Set();
    set.add(stream);
    this.logStreams.set(name, set);
    stream.res.on('close', () => set.delete(stream));
  }

  // --- storage ------------------------------------------------------------------------------------

  private put(kind: Kind, obj: Obj, type: 'ADDED' | 'MODIFIED'): void {
    const rv = ++this.rv;
    obj.metadata.resourceVersion = String(rv);
    if (type === 'ADDED') {
      obj.metadata.uid = `${kind}-${rv}-${randomBytes(4).toString('hex')}`;
      obj.metadata.creationTimestamp = now();
      this.creation.set(obj, rv);
    } else {
      const previous = this.store[kind].get(`${obj.metadata.namespace}/${obj.metadata.name}`);
      if (previous) this.creation.set(obj, this.creation.get(previous) ?? rv);
    }
    this.store[kind].set(`${obj.metadata.namespace}/${obj.metadata.name}`, obj);
    this.emit({ rv, kind, type, object: clone(obj) });
  }

  private remove(kind: Kind, ns: string, name: string): void {
    const obj = this.store[kind].get(`${ns}/${name}`);
    if (!obj) return;
    this.store[kind].delete(`${ns}/${name}`);
    const rv = ++this.rv;
    obj.metadata.resourceVersion = String(rv);
    this.emit({ rv, kind, type: 'DELETED', object: clone(obj) });
    if (kind === 'pods') this.endLogStreams(name);
  }

  private emit(e: StoredEvent): void {
    this.history.push(e);
    if (this.history.length > this.historyLimit)
      this.history.splice(0, this.history.length - this.historyLimit);
    for (const w of this.watches) this.deliver(w, e);
  }

  private get(kind: Kind, ns: string, name: string): Obj {
    const obj = this.store[kind].get(`${ns}/${name}`);
    if (!obj) throw new Error(`fake: no ${kind} ${ns}/${name}`);
    return clone(obj);
  }

  private namespaceOf(kind: Kind, name: string): string {
    for (const o of this.store[kind].values()) if (o.metadata.name === name) return o.metadata.namespace;
    throw new Error(`fake: no ${kind} named ${name}`);
  }

  private findPod(name: string): Obj {
    return this.get('pods', this.namespaceOf('pods', name), name);
  }

  private podsOfJob(ns: string, jobName: string): Obj[] {
    return [...this.store.pods.values()].filter(
      (p) => p.metadata.namespace === ns && p.metadata.labels?.['batch.kubernetes.io/job-name'] === jobName,
    );
  }

  private updatePod(name: string, change: (pod: Obj) => void): void {
    const pod = this.findPod(name);
    change(pod);
    this.put('pods', pod, 'MODIFIED');
  }

  private updateJob(ns: string, name: string, change: (job: Obj) => void): void {
    const job = this.get('jobs', ns, name);
    change(job);
    this.put('jobs', job, 'MODIFIED');
  }

  private initStatus(pod: Obj, container: string, state: Obj): Obj {
    const c = (pod.spec.initContainers ?? []).find((x: Obj) => x.name === container) ?? { image: '' };
    return { name: container, image: c.image, ready: Boolean(state.terminated), restartCount: 0, state };
  }

  private containerStatus(pod: Obj, state: Obj): Obj {
    const c = pod.spec.containers[0];
    return { name: c.name, image: c.image, ready: Boolean(state.running), restartCount: 0, state };
  }

  private endLogStreams(pod: string): void {
    const streams = this.logStreams.get(pod) ?? new Set();
    for (const s of streams) s.end();
    // A paced stream stays open (and can still be dropped) until its last line is out.
    for (const s of streams) if (!(s instanceof PacedLogStream)) streams.delete(s);
  }

  private takeFault(method: string, path: string, watch: boolean): Fault | undefined {
    const f = this.faults.find(
      (x) =>
        (!x.method || x.method === method) &&
        (!x.path || (typeof x.path === 'string' ? path.includes(x.path) : x.path.test(path))) &&
        (x.watch === undefined || x.watch === watch),
    );
    if (!f) return undefined;
    if (f.times !== undefined && --f.times <= 0) this.faults.splice(this.faults.indexOf(f), 1);
    return f;
  }

  /** Strictly increasing RFC 3339 times with nanoseconds, like the kubelet's. */
  private nextTime(): string {
    const wall = BigInt(Date.now()) * 1_000_000n;
    this.clockNs = wall > this.clockNs ? wall : this.clockNs + 1n;
    const ms = Number(this.clockNs / 1_000_000n);
    const nanos = (this.clockNs % 1_000_000_000n).toString().padStart(9, '0');
    return `${new Date(ms).toISOString().slice(0, 19)}.${nanos}Z`;
  }

  private send(res: ServerResponse, code: number, body: Obj): void {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}

const now = () => new Date().toISOString();

const kindName = (kind: Kind) => (kind === 'jobs' ? 'jobs.batch' : 'pods');

/** The checks the real API server would make that Trainyard's manifests could trip. */
function validateJob(job: Obj): string | undefined {
  const name = job.metadata?.name ?? '';
  if (!DNS_LABEL.test(name) || name.length > 63) {
    return `metadata.name: Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character`;
  }
  const containers: Obj[] = job.spec?.template?.spec?.containers ?? [];
  if (containers.length === 0) return 'spec.template.spec.containers: Required value';
  for (const [i, c] of containers.entries()) {
    for (const part of ['limits', 'requests'] as const) {
      for (const [key, value] of Object.entries(c.resources?.[part] ?? {})) {
        if (!QUANTITY.test(String(value))) {
          return `spec.template.spec.containers[${i}].resources.${part}[${key}]: Invalid value: "${value}": must match the regex ^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$`;
        }
      }
    }
  }
  return undefined;
}

async function readJson(req: IncomingMessage): Promise<Obj | undefined> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text ? JSON.parse(text) : undefined;
}

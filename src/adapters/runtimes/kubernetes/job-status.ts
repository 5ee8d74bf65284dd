/**
 * What a Job and its pods mean for a run, as a pure function, with reasons people can act on.
 * The runtime reduces every Job and Pod it sees to the small "facts" below (so it keeps little in
 * memory), and asks `jobStatus` what state the run is in.
 */
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { redactCredentials } from '../../../core/code/git-url.ts';
import type { RuntimeUpdate } from '../../../core/run/run.ts';
import { LABELS } from '../../../core/run/run-identity.ts';
import { CODE_CONTAINER } from './run-volumes.ts';

export interface JobFacts {
  name: string;
  runId: string;
  /** Terminal condition set by the Job controller, if any. */
  outcome?: { kind: 'complete' | 'failed'; reason?: string; message?: string; at?: Date };
  activeDeadlineSeconds?: number;
  backoffLimit?: number;
  failedPods: number;
}

export interface ContainerFacts {
  image: string;
  memoryLimit?: string;
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: Date };
  terminated?: { exitCode: number; reason?: string; message?: string; startedAt?: Date; finishedAt?: Date };
}

export interface PodFacts {
  name: string;
  runId: string;
  phase: string;
  createdAt?: Date;
  /** When the kubelet took the pod on; the image-pull grace counts from here. */
  startedAt?: Date;
  /** The scheduler's explanation when no node fits. */
  unschedulable?: string;
  /** Pod-level failure such as Evicted. */
  podFailure?: { reason?: string; message?: string };
  main?: ContainerFacts;
  /** The init container that clones the run's code from git, when it has one. */
  code?: ContainerFacts;
}

export interface StatusOptions {
  now: Date;
  /** How long an image that cannot be pulled (or a container that cannot be configured) may stay so. */
  stuckGraceMs: number;
}

export interface JobStatus {
  update: RuntimeUpdate;
  /** When the answer would change by itself (the end of a grace), so the caller can look again. */
  recheckAt?: Date;
  /** The run failed but its Job would go on retrying: it should be deleted. */
  deleteJob?: boolean;
}

/** Waiting reasons that do not heal by waiting a few seconds; after the grace the run fails. */
const STUCK_REASONS = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CreateContainerConfigError',
]);
const IMAGE_REASONS = new Set(['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName']);

const toDate = (v: Date | string | undefined | null): Date | undefined =>
  v === undefined || v === null ? undefined : v instanceof Date ? v : new Date(v);

export function jobFacts(job: V1Job): JobFacts {
  const conditions = job.status?.conditions ?? [];
  const done = conditions.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  return {
    name: job.metadata?.name ?? '',
    runId: job.metadata?.labels?.[LABELS.run] ?? '',
    outcome: done && {
      kind: done.type === 'Complete' ? 'complete' : 'failed',
      reason: done.reason,
      message: done.message,
      at: toDate(done.lastTransitionTime as Date | string | undefined),
    },
    activeDeadlineSeconds: job.spec?.activeDeadlineSeconds,
    backoffLimit: job.spec?.backoffLimit,
    failedPods: job.status?.failed ?? 0,
  };
}

type ContainerStatus = NonNullable<NonNullable<V1Pod['status']>['containerStatuses']>[number];

function containerFacts(
  spec: { image?: string; resources?: { limits?: Record<string, string> } } | undefined,
  status: ContainerStatus | undefined,
): ContainerFacts | undefined {
  if (!spec) return undefined;
  const state = status?.state;
  return {
    image: spec.image ?? status?.image ?? '',
    memoryLimit: spec.resources?.limits?.memory,
    waiting: state?.waiting && { reason: state.waiting.reason, message: state.waiting.message },
    running: state?.running && { startedAt: toDate(state.running.startedAt as Date | string | undefined) },
    terminated: state?.terminated && {
      exitCode: state.terminated.exitCode,
      reason: state.terminated.reason,
      message: state.terminated.message,
      startedAt: toDate(state.terminated.startedAt as Date | string | undefined),
      finishedAt: toDate(state.terminated.finishedAt as Date | string | undefined),
    },
  };
}

export function podFacts(pod: V1Pod, container: string): PodFacts {
  const spec = pod.spec?.containers.find((c) => c.name === container) ?? pod.spec?.containers[0];
  const status =
    pod.status?.containerStatuses?.find((c) => c.name === container) ?? pod.status?.containerStatuses?.[0];
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  const codeSpec = pod.spec?.initContainers?.find((c) => c.name === CODE_CONTAINER);
  const codeStatus = pod.status?.initContainerStatuses?.find((c) => c.name === CODE_CONTAINER);
  const code = containerFacts(codeSpec, codeStatus);
  return {
    name: pod.metadata?.name ?? '',
    runId: pod.metadata?.labels?.[LABELS.run] ?? '',
    phase: pod.status?.phase ?? 'Pending',
    createdAt: toDate(pod.metadata?.creationTimestamp as Date | string | undefined),
    startedAt: toDate(pod.status?.startTime as Date | string | undefined),
    unschedulable:
      scheduled?.status === 'False' && scheduled.reason === 'Unschedulable'
        ? scheduled.message || 'no node can run it'
        : undefined,
    podFailure:
      pod.status?.phase === 'Failed' && pod.status.reason
        ? { reason: pod.status.reason, message: pod.status.message }
        : undefined,
    main: containerFacts(spec, status),
    ...(code && { code }),
  };
}

/** The clone of the run's code failed: its exit code and git's last words, credentials removed. */
function cloneFailure(pod: PodFacts | undefined): { text: string; exitCode: number } | undefined {
  const t = pod?.code?.terminated;
  if (!t || t.exitCode === 0) return undefined;
  const said = t.message ? redactCredentials(t.message).trim().split('\n').pop() : undefined;
  return {
    text: `cloning its code from git failed (exit code ${t.exitCode})${said ? `: ${said}` : ''}`,
    exitCode: t.exitCode,
  };
}

const createdMs = (pod: PodFacts) => pod.createdAt?.getTime() ?? 0;

/**
 * The newest pod first: after a retry, the latest attempt is what matters. Creation times have
 * whole seconds only, so a retry can tie with the attempt before it: of equals, the one listed
 * later (seen later) counts as newer.
 */
function newestFirst(pods: PodFacts[]): PodFacts[] {
  return [...pods].reverse().sort((a, b) => createdMs(b) - createdMs(a));
}

/** The run's latest attempt, ordered as `newestFirst` orders them. */
export function newestPod(pods: Iterable<PodFacts>): PodFacts | undefined {
  let newest: PodFacts | undefined;
  for (const pod of pods) if (!newest || createdMs(pod) >= createdMs(newest)) newest = pod;
  return newest;
}

const sentence = (s: string) => (/[.!?]$/.test(s) ? s : `${s}.`);

/** Why the latest attempt's container ended, in words. */
function terminationDetail(pod: PodFacts | undefined): { text?: string; exitCode?: number } {
  const t = pod?.main?.terminated;
  const clone = cloneFailure(pod);
  if (!t && clone) return clone;
  if (!t) {
    if (pod?.podFailure) {
      const { reason, message } = pod.podFailure;
      return {
        text: `its pod was ${reason === 'Evicted' ? 'evicted' : `ended (${reason})`}: ${message ?? ''}`.trim(),
      };
    }
    return {};
  }
  if (t.reason === 'OOMKilled') {
    const limit = pod?.main?.memoryLimit ? ` of ${pod.main.memoryLimit}` : '';
    return {
      text: `it ran out of memory (OOMKilled, exit code ${t.exitCode}); raise its memory limit${limit}`,
      exitCode: t.exitCode,
    };
  }
  const detail = t.message ? `: ${t.message.trim().split('\n').pop()}` : '';
  return { text: `its container exited with code ${t.exitCode}${detail}`, exitCode: t.exitCode };
}

function failedStatus(job: JobFacts, pods: PodFacts[]): JobStatus {
  const latestFailed = newestFirst(pods).find((p) => p.main?.terminated || p.podFailure || cloneFailure(p));
  const detail = terminationDetail(latestFailed);
  const at = job.outcome?.at;
  const because = detail.text ? `; ${detail.text}` : '';
  let reason: string;
  switch (job.outcome?.reason) {
    case 'DeadlineExceeded':
      reason = `It ran longer than its deadline${job.activeDeadlineSeconds ? ` of ${job.activeDeadlineSeconds} s` : ''} and Kubernetes stopped it; raise the template's deadline or make the run shorter.`;
      break;
    case 'BackoffLimitExceeded': {
      const tries = Math.max(job.failedPods, (job.backoffLimit ?? 0) + 1);
      reason = sentence(`It failed ${tries === 1 ? 'its only attempt' : `all ${tries} attempts`}${because}`);
      break;
    }
    default:
      reason = sentence(
        `Kubernetes marked the Job failed (${job.outcome?.reason ?? 'no reason given'}${job.outcome?.message ? `: ${job.outcome.message}` : ''})${because}`,
      );
  }
  return { update: { state: 'failed', reason, exitCode: detail.exitCode, at } };
}

function waitingStatus(pod: PodFacts, opts: StatusOptions): JobStatus {
  const waiting = pod.main?.waiting;
  const reason = waiting?.reason ?? '';
  if (!STUCK_REASONS.has(reason)) {
    return { update: { state: 'pending', reason: 'Starting its container.' } };
  }
  const image = pod.main?.image ?? '';
  const problem = IMAGE_REASONS.has(reason)
    ? `Kubernetes cannot pull the image "${image}" (${reason}${waiting?.message ? `: ${waiting.message}` : ''})`
    : `Kubernetes cannot set up the container (${reason}${waiting?.message ? `: ${waiting.message}` : ''})`;
  const since = pod.startedAt ?? pod.createdAt ?? opts.now;
  const giveUpAt = new Date(since.getTime() + opts.stuckGraceMs);
  if (opts.now.getTime() >= giveUpAt.getTime()) {
    const fix = IMAGE_REASONS.has(reason)
      ? 'check the image name and tag and that the cluster may pull from its registry'
      : 'check that the secrets and config maps it uses exist';
    return { update: { state: 'failed', reason: `${problem}; ${fix}.` }, deleteJob: true };
  }
  return {
    update: { state: 'pending', reason: `${problem}; still retrying.` },
    recheckAt: giveUpAt,
  };
}

/** The run's state given its Job and the Job's pods. */
export function jobStatus(job: JobFacts, pods: PodFacts[], opts: StatusOptions): JobStatus {
  if (job.outcome?.kind === 'complete') {
    return { update: { state: 'succeeded', exitCode: 0, at: job.outcome.at } };
  }
  if (job.outcome?.kind === 'failed') return failedStatus(job, pods);

  const pod = newestPod(pods);
  if (!pod) return { update: { state: 'pending', reason: 'Waiting for Kubernetes to create its pod.' } };
  if (pod.unschedulable) {
    return { update: { state: 'pending', reason: `Waiting for a node: ${sentence(pod.unschedulable)}` } };
  }
  const main = pod.main;
  if (main?.running || (pod.phase === 'Succeeded' && main?.terminated)) {
    return { update: { state: 'running', at: main.running?.startedAt } };
  }
  if (main?.terminated || pod.phase === 'Failed' || cloneFailure(pod)) {
    // The Job has not given up yet, so it will start another attempt.
    const detail = terminationDetail(pod);
    return {
      update: {
        state: 'pending',
        reason: sentence(`Retrying: the last attempt failed because ${detail.text ?? 'it stopped'}`),
      },
    };
  }
  if (pod.code?.running) return { update: { state: 'pending', reason: 'Cloning its code from git.' } };
  if (pod.code?.waiting && !pod.code.terminated && STUCK_REASONS.has(pod.code.waiting.reason ?? ''))
    return waitingStatus({ ...pod, main: pod.code }, opts);
  if (main?.waiting) return waitingStatus(pod, opts);
  return { update: { state: 'pending', reason: 'Starting its container.' } };
}

/**
 * Whether a pod may still report how it ended (its container runs or is about to): a run whose Job
 * just ended waits briefly for that, so its final reason has the exit code and its log is complete.
 */
export function podMayStillReport(pod: PodFacts | undefined): boolean {
  if (!pod || pod.main?.terminated || pod.phase === 'Failed' || pod.phase === 'Succeeded') return false;
  if (cloneFailure(pod)) return false;
  return !pod.unschedulable && !STUCK_REASONS.has(pod.main?.waiting?.reason ?? '');
}

/** The run's state once its Job is gone. */
export function goneStatus(stoppedByUs: boolean, whileDown: boolean): RuntimeUpdate {
  if (stoppedByUs) return { state: 'stopped', reason: 'Stopped on request.' };
  return {
    state: 'lost',
    reason: whileDown
      ? 'Its Job was deleted while Trainyard was down.'
      : 'Its Job was deleted outside Trainyard (for example with kubectl).',
  };
}

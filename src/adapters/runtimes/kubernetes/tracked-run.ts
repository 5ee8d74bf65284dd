import type { RuntimeUpdate } from '../../../core/run/run.ts';
import {
  type JobFacts,
  type JobStatus,
  jobStatus,
  newestPod,
  type PodFacts,
  podMayStillReport as podMayStillSay,
} from './job-status.ts';

/**
 * What the tracker knows about one run: the facts the status mapping reads (its Job and pods,
 * reduced), what this process did to it, and where its report stands.
 */
export interface TrackedRun {
  runId: string;
  job?: JobFacts;
  /** The Job was seen and then deleted. */
  jobGone: boolean;
  pods: Map<string, PodFacts>;
  /** Some pod of the run has been seen. */
  sawPod: boolean;
  /**
   * This process answers for the run: it submitted it, or recover() handed it over. Only such
   * runs are reported and have their logs read; others are known by their facts alone, so a
   * recover() that comes after the first sync still finds them untouched.
   */
  followed: boolean;
  /** Seen alive by this process (submitted here or seen before its end): its pods may still report. */
  seenLive: boolean;
  /** We deleted its Jobs: on request (stop) or because it could never start. */
  deletedByUs: boolean;
  /**
   * `live` until the run is seen to end; `ending` while its end waits for the pod to say how its
   * container ended and for the rest of its log (see log-drain.ts); `over` once reported.
   */
  phase: 'live' | 'ending' | 'over';
  end?: RuntimeUpdate;
  /** When it was seen to end (ms since the epoch): the drain wait counts from then. */
  endedAt?: number;
  reported?: RuntimeUpdate;
}

export function newTrackedRun(runId: string): TrackedRun {
  return {
    runId,
    jobGone: false,
    pods: new Map(),
    sawPod: false,
    followed: false,
    seenLive: false,
    deletedByUs: false,
    phase: 'live',
  };
}

/** The run's state as its Job and pods say it now. */
export function clusterStatus(run: TrackedRun, job: JobFacts, stuckGraceMs: number): JobStatus {
  return jobStatus(job, [...run.pods.values()], { now: new Date(), stuckGraceMs });
}

/** The newest pod may still report how it ended, or the Job had pods we have not seen yet. */
export function podMayStillReport(run: TrackedRun): boolean {
  const pod = newestPod(run.pods.values());
  return pod ? podMayStillSay(pod) : run.seenLive && !run.sawPod;
}

/** The newest pod's container ran and has ended (so the run did run), with when it started. */
export function containerRan(run: TrackedRun): { startedAt?: Date } | undefined {
  const terminated = newestPod(run.pods.values())?.main?.terminated;
  return terminated && terminated.exitCode !== undefined ? { startedAt: terminated.startedAt } : undefined;
}

import { isEnded, type Run, type RuntimeUpdate } from '../../../core/run/run.ts';
import { drainDeadline } from '../../../shared/log-drain.ts';
import { goneStatus, type JobFacts, newestPod, type PodFacts } from './job-status.ts';
import { RecheckTimer } from './RecheckTimer.ts';
import type { RunLogs } from './RunLogs.ts';
import {
  clusterStatus,
  containerRan,
  newTrackedRun,
  podMayStillReport,
  type TrackedRun,
} from './tracked-run.ts';

export interface RunTrackerOptions {
  logs: RunLogs;
  report: (runId: string, update: RuntimeUpdate) => void;
  /** Deletes every Job of a run that can never start (its Job would retry forever). */
  deleteJobs: (runId: string) => void;
  /** How long an image that cannot be pulled (or a container that cannot be set up) may wait. */
  stuckGraceMs: number;
  /** How long a run's end may wait for its pod to say how it ended, and for its log once quiet. */
  drainMs: number;
}

/**
 * The one owner of the question "what state is this run in, has it ended, and may that be
 * reported now?". The watches feed it facts (Jobs and pods seen, changed, deleted, re-listed), the
 * runtime tells it what it did (submitted, stopped); it alone reports to the sink, and it alone
 * decides when a run is forgotten.
 */
export class RunTracker {
  private readonly runs = new Map<string, TrackedRun>();
  private readonly timer: RecheckTimer<TrackedRun>;
  /** Both watches have listed once: until then a missing Job may only not be seen yet. */
  private synced = false;

  constructor(private readonly opts: RunTrackerOptions) {
    // Log lines that came while this process was busy are taken in first: a run's log may not be quiet.
    this.timer = new RecheckTimer((run) => setImmediate(() => this.review(run)));
  }

  get size(): number {
    return this.runs.size;
  }

  // --- what the cluster says ------------------------------------------------------------------

  /** The full list of Jobs (first list, or a re-list after the watch broke). */
  jobsListed(jobs: JobFacts[]): void {
    const present = new Set<string>();
    for (const job of jobs) {
      present.add(job.runId);
      this.track(job.runId).job = job;
    }
    // Jobs that vanished while the watch was down were deleted then.
    for (const run of [...this.runs.values()]) if (run.job && !present.has(run.runId)) this.jobGone(run);
  }

  /** The full list of pods. */
  podsListed(pods: PodFacts[]): void {
    const byRun = new Map<string, PodFacts[]>();
    for (const pod of pods) byRun.set(pod.runId, [...(byRun.get(pod.runId) ?? []), pod]);
    // Pods that vanished while the watch was down. A run that had none (one just submitted,
    // whose Job the watch has not brought yet) stays as it is.
    for (const run of [...this.runs.values()]) {
      if (run.pods.size > 0 && !byRun.has(run.runId)) {
        run.pods.clear();
        this.forgetIfEmpty(run);
      }
    }
    for (const [runId, list] of byRun) {
      const run = this.track(runId);
      run.pods = new Map(list.map((p) => [p.name, p]));
      run.sawPod = true;
    }
  }

  /** Both watches have listed: from now on what is missing is really gone. */
  markSynced(): void {
    this.synced = true;
    for (const run of [...this.runs.values()]) this.review(run);
  }

  jobChanged(job: JobFacts): void {
    const run = this.track(job.runId);
    run.job = job;
    run.jobGone = false;
    this.review(run);
  }

  jobDeleted(runId: string): void {
    const run = this.runs.get(runId);
    if (run) this.jobGone(run);
  }

  podChanged(pod: PodFacts): void {
    const run = this.track(pod.runId);
    run.pods.set(pod.name, pod);
    run.sawPod = true;
    this.review(run);
  }

  podDeleted(runId: string, name: string): void {
    const run = this.runs.get(runId);
    if (!run) return;
    run.pods.delete(name);
    if (!this.forgetIfEmpty(run)) this.review(run);
  }

  // --- what this process did ------------------------------------------------------------------

  /** A Job is being created for the run: this process sees it live, so its log is read. */
  submitting(runId: string): void {
    const run = this.track(runId);
    run.followed = true;
    run.seenLive = true;
  }

  /** Its Job exists now (created, or found as the run's own): look at it, even if nothing changes. */
  submitted(runId: string): void {
    const run = this.runs.get(runId);
    if (run) this.review(run);
  }

  /** A run from before a restart: this process answers for it from now on. */
  recovered(runId: string): void {
    this.track(runId).followed = true;
  }

  submitFailed(runId: string): void {
    const run = this.runs.get(runId);
    if (run) this.forgetIfEmpty(run);
  }

  /** Its Jobs are being deleted on request: when they go, the run ends stopped, not lost (`false`: the cluster refused). */
  stopping(runId: string, deleting = true): void {
    const run = this.track(runId);
    run.followed = true;
    run.deletedByUs = deleting;
  }

  /** The watch has seen a Job of the run that is still there. */
  hasJob(runId: string): boolean {
    return this.runs.get(runId)?.job !== undefined;
  }

  /** The run ended without a Job to tell how (stopped before its Job was seen, gone while down). */
  endNow(runId: string, update: RuntimeUpdate): void {
    this.finish(this.track(runId), update);
  }

  /**
   * After a restart, with the runs the store believes are in flight (call once synced): a run
   * without a Job was lost while the bot was down; the others are looked at again.
   */
  reconcile(runs: Run[]): void {
    for (const stored of runs) {
      const run = this.runs.get(stored.id);
      if (!run?.job) {
        this.finish(this.track(stored.id), goneStatus(false, true));
        continue;
      }
      run.seenLive ||= run.phase === 'live';
      // Ended while we were down and already reported: say it again, now that the orchestrator asks.
      if (run.phase === 'over' && run.reported) this.opts.report(run.runId, run.reported);
      else this.review(run);
    }
  }

  /** The run's newest pod, for reading its log straight from the cluster. */
  newestPod(runId: string): PodFacts | undefined {
    const run = this.runs.get(runId);
    return run && newestPod(run.pods.values());
  }

  /** A run whose log stream ended may have nothing left to wait for. */
  logIdle(runId: string): void {
    const run = this.runs.get(runId);
    if (run) this.forgetIfEmpty(run);
  }

  close(): void {
    this.timer.stop();
  }

  // --- the decision -----------------------------------------------------------------------------

  /** Works out the run's state from what is known and reports it if it changed (an end as soon as it may). */
  private review(run: TrackedRun): void {
    if (run.phase === 'ending') {
      this.settle(run);
      return;
    }
    if (!this.synced || !run.followed || run.phase === 'over') return;
    if (!run.job) {
      if (run.jobGone) this.finish(run, goneStatus(run.deletedByUs, false));
      return;
    }
    const status = clusterStatus(run, run.job, this.opts.stuckGraceMs);
    const ended = isEnded(status.update.state);
    if (!ended) run.seenLive = true;
    this.followLogs(run);
    this.timer.set(run, status.recheckAt?.getTime());
    if (status.deleteJob) this.deleteStuck(run);
    if (ended) this.finish(run, status.update);
    else this.report(run, status.update);
  }

  /** The run has ended: no other state will be reported; `settle` sends this one out. */
  private finish(run: TrackedRun, update: RuntimeUpdate): void {
    if (run.phase !== 'live') return;
    run.phase = 'ending';
    run.end = update;
    run.endedAt = Date.now();
    this.settle(run);
  }

  /**
   * Reports a run's end once its newest pod has said how its container ended (so the reason has
   * the exit code) and its log has been read to the end, or when its time to wait is up (`due`, by
   * log-drain.ts: each sign of progress of its log moves it on, up to a ceiling).
   */
  private settle(run: TrackedRun): void {
    const { logs } = this.opts;
    if (run.phase !== 'ending' || !run.end) return;
    const endBy = drainDeadline(run.endedAt ?? Date.now(), logs.progressAt(run.runId), this.opts.drainMs);
    const due = Date.now() >= endBy;
    // However the pod and its log behave, the end goes out by then (a fired time is forgotten: set again).
    if (!due) this.timer.set(run, endBy);
    if (!due && run.job && podMayStillReport(run)) return;
    // A run that ended while we were down still has its log read on from where it was left.
    if (run.job) this.followLogs(run);
    if (!due && logs.reading(run.runId)) {
      logs.drain(run.runId).then(() => this.settle(run));
      return;
    }
    logs.stop(run.runId);
    const end = run.end;
    run.phase = 'over';
    run.end = undefined;
    this.timer.set(run, undefined);
    // What the Job and pods say now is the most precise account of the end, if they are still there.
    const latest = run.job && clusterStatus(run, run.job, this.opts.stuckGraceMs).update;
    const ran = containerRan(run);
    // A job that ended between two looks still ran: say so first (and since when).
    if (ran && run.reported?.state !== 'running') this.report(run, { state: 'running', at: ran.startedAt });
    this.report(run, latest && isEnded(latest.state) ? latest : end);
    this.forgetIfEmpty(run);
  }

  private report(run: TrackedRun, update: RuntimeUpdate): void {
    const last = run.reported;
    if (last?.state === update.state && last.reason === update.reason && last.exitCode === update.exitCode)
      return;
    run.reported = update;
    this.opts.report(run.runId, update);
  }

  private followLogs(run: TrackedRun): void {
    const pod = newestPod(run.pods.values());
    if (pod) this.opts.logs.follow(run.runId, pod);
  }

  private deleteStuck(run: TrackedRun): void {
    if (run.deletedByUs) return;
    run.deletedByUs = true;
    this.opts.deleteJobs(run.runId);
  }

  private jobGone(run: TrackedRun): void {
    run.job = undefined;
    run.jobGone = true;
    this.review(run);
    this.forgetIfEmpty(run);
  }

  // --- memory -----------------------------------------------------------------------------------

  private track(runId: string): TrackedRun {
    let run = this.runs.get(runId);
    if (!run) {
      run = newTrackedRun(runId);
      this.runs.set(runId, run);
    }
    return run;
  }

  /** Drops a run that has nothing left in the cluster and nothing left to say. */
  private forgetIfEmpty(run: TrackedRun): boolean {
    // A run this process answers for is kept until it is reported lost; others go with their Job.
    const waitingToBeLost = run.followed && run.phase === 'live' && run.jobGone;
    if (run.job || run.pods.size > 0 || waitingToBeLost || run.phase === 'ending') return false;
    if (this.opts.logs.reading(run.runId)) return false;
    this.timer.set(run, undefined);
    this.runs.delete(run.runId);
    this.opts.logs.forget(run.runId);
    return true;
  }
}

import { isEnded, type Run, type RunState, type RuntimeUpdate } from './run.ts';

/**
 * How far along each state is. A run only ever moves to a state of higher rank, so a late or
 * repeated event from a runtime (a "pending" after "running") can never move it back.
 */
const RANK: Record<RunState, number> = {
  queued: 0,
  building: 1,
  pending: 2,
  running: 3,
  succeeded: 4,
  failed: 4,
  stopped: 4,
  lost: 4,
};

/** Failed and lost runs always say why; these are used when the runtime gave no reason. */
function defaultReason(state: RunState, exitCode: number | undefined): string | undefined {
  if (state === 'failed') {
    return exitCode === undefined
      ? 'The job failed without giving a reason.'
      : `The job exited with code ${exitCode}.`;
  }
  if (state === 'lost') return 'The job disappeared from the runtime before it reported an end.';
  return undefined;
}

/**
 * Applies a runtime update to a run. Returns the new run, or undefined when the update changes
 * nothing or is not allowed (end states are final; states only move forward).
 */
export function applyUpdate(run: Run, update: RuntimeUpdate, now: Date): Run | undefined {
  if (isEnded(run.state)) return undefined;
  const rank = RANK[update.state];
  const currentRank = RANK[run.state];
  if (rank < currentRank) return undefined;

  if (update.state === run.state) {
    // Same state: only a new reason is news (e.g. pending "Unschedulable" → "ImagePullBackOff").
    if (update.reason === undefined || update.reason === run.reason) return undefined;
    return { ...run, reason: update.reason };
  }

  const at = (update.at ?? now).toISOString();
  const next: Run = { ...run, state: update.state, reason: update.reason };
  if (next.reason === undefined) delete next.reason;
  if (update.state === 'running' && run.startedAt === undefined) next.startedAt = at;
  if (isEnded(update.state)) {
    next.endedAt = at;
    const exitCode = update.exitCode ?? run.exitCode;
    if (exitCode !== undefined) next.exitCode = exitCode;
    next.reason = update.reason ?? defaultReason(update.state, exitCode);
    if (next.reason === undefined) delete next.reason;
    if (update.state === 'stopped' && update.stoppedBy) next.stoppedBy = update.stoppedBy;
    if (update.state === 'lost') {
      const lastSeen = lastSeenBefore(run, update.lastSeenAt, at);
      if (lastSeen) next.lastSeenAt = next.endedAt = lastSeen;
    }
  }
  return next;
}

/**
 * When a lost run was last known alive: what the runtime reports, else what the run recorded,
 * kept between its start and the moment the loss was noticed. Undefined when nothing is known.
 */
function lastSeenBefore(run: Run, reported: Date | undefined, noticedAt: string): string | undefined {
  const seen = reported?.getTime() ?? (run.lastSeenAt ? Date.parse(run.lastSeenAt) : Number.NaN);
  if (!Number.isFinite(seen)) return undefined;
  const from = Date.parse(run.startedAt ?? run.createdAt);
  const clamped = Math.min(Math.max(seen, from), Date.parse(noticedAt));
  return new Date(clamped).toISOString();
}

/** One short phrase for people, e.g. "failed: OOMKilled (exit 137)" or "pending: Unschedulable". */
export function describeState(run: Run): string {
  const state = run.state === 'building' ? 'building image' : run.state;
  // Reasons are sentences; inside a phrase the closing period reads oddly.
  const reason = run.reason?.trim().replace(/\.$/, '');
  let text = reason ? `${state}: ${reason}` : state;
  const showExit = isEnded(run.state) && run.state !== 'succeeded' && run.exitCode !== undefined;
  if (showExit && !reason?.includes(`code ${run.exitCode}`)) text += ` (exit ${run.exitCode})`;
  return text;
}

import type Docker from 'dockerode';
import type { RuntimeUpdate } from '../../../core/run/run.ts';
import { type GraceKill, graceKill } from '../../../shared/grace-kill.ts';
import type { Logger } from '../../../shared/log.ts';
import type { LogPosition } from '../../../shared/log-cursor.ts';
import { waitForLogEnd } from '../../../shared/log-drain.ts';
import { engineMessage, engineStatus } from '../../docker/docker-engine.ts';
import { ContainerLogs } from './ContainerLogs.ts';
import { containerEnd, type EndCause } from './container-end.ts';

export interface ContainerTrackerOptions {
  docker: Docker;
  log: Logger;
  report: (runId: string, update: RuntimeUpdate) => void;
  deliver: (runId: string, lines: string[], cursor: string | undefined) => void;
  /** Between SIGTERM and SIGKILL when a run is stopped or passes its deadline. */
  graceMs: number;
  /** How long a log may be quiet after its container ended before it is given up (see log-drain.ts). */
  drainMs: number;
}

/** A container Trainyard follows, from submit (or recovery) until its end is reported. */
interface TrackedContainer {
  runId: string;
  containerId: string;
  /** Why Trainyard ended it, if it did. */
  cause: EndCause;
  ending: boolean;
  logs?: ContainerLogs;
  stopping?: Promise<GraceKill | undefined>;
  deadlineTimer?: NodeJS.Timeout;
}

/**
 * The containers of runs in flight, and the one place that decides a run has ended and reports
 * how: once the container has stopped (die event, or its log ended with it), its log is read to
 * the end (a few seconds at most), the engine says how it exited, and the container is removed.
 */
export class ContainerTracker {
  private readonly byRun = new Map<string, TrackedContainer>();
  private readonly byContainer = new Map<string, TrackedContainer>();
  private closed = false;

  constructor(private readonly opts: ContainerTrackerOptions) {}

  track(runId: string, containerId: string): TrackedContainer {
    const tracked: TrackedContainer = { runId, containerId, cause: undefined, ending: false };
    this.byRun.set(runId, tracked);
    this.byContainer.set(containerId, tracked);
    return tracked;
  }

  ofRun(runId: string): TrackedContainer | undefined {
    return this.byRun.get(runId);
  }

  /** A run that has no container to follow ends here (stopped before it had one, gone while down). */
  endWithout(runId: string, update: RuntimeUpdate): void {
    if (!this.closed && !this.byRun.has(runId)) this.opts.report(runId, update);
  }

  /** The engine started one of our containers. */
  started(containerId: string, at: Date): void {
    const tracked = this.byContainer.get(containerId);
    if (tracked && !this.closed) this.opts.report(tracked.runId, { state: 'running', at });
  }

  /** The engine says one of our containers stopped. */
  died(containerId: string): void {
    const tracked = this.byContainer.get(containerId);
    if (tracked) void this.finish(tracked);
  }

  running(tracked: TrackedContainer, at: Date): void {
    if (!this.closed) this.opts.report(tracked.runId, { state: 'running', at });
  }

  /** Reads the container's log from `from` on; when the log ends with the container, the run ends. */
  followLogs(tracked: TrackedContainer, from?: LogPosition): void {
    tracked.logs?.stop();
    const logs = new ContainerLogs({
      docker: this.opts.docker,
      containerId: tracked.containerId,
      log: this.opts.log,
      from,
      onLines: (lines, cursor) => {
        if (!this.closed) this.opts.deliver(tracked.runId, lines, cursor);
      },
    });
    tracked.logs = logs;
    // A safety net should the die event be missed: the log ends only once the container has.
    logs.done.then(() => {
      if (tracked.logs === logs && !this.closed && !tracked.ending) void this.finish(tracked);
    });
  }

  /** Fails the run once it has run `seconds` since `startedAt`, as Kubernetes' activeDeadlineSeconds does. */
  armDeadline(tracked: TrackedContainer, seconds: number | undefined, startedAt: Date): void {
    if (!seconds) return;
    const remaining = Math.max(0, startedAt.getTime() + seconds * 1000 - Date.now());
    tracked.deadlineTimer = setTimeout(() => {
      tracked.cause ??= { kind: 'deadline', seconds };
      void this.terminate(tracked);
    }, remaining);
  }

  /** SIGTERM now, SIGKILL after the grace period; the die event then ends the run. */
  async terminate(tracked: TrackedContainer): Promise<void> {
    const container = this.opts.docker.getContainer(tracked.containerId);
    const pending = await tracked.stopping;
    tracked.stopping = graceKill({
      term: () => container.kill({ signal: 'SIGTERM' }),
      kill: () => void container.kill({ signal: 'SIGKILL' }).catch(() => {}),
      graceMs: this.opts.graceMs,
      pending,
    }).catch((err: unknown) => {
      // 409: not running any more; 404: already gone. Either way its end is (or was) reported.
      if (engineStatus(err) === 404) void this.finish(tracked);
      return undefined;
    });
    await tracked.stopping;
  }

  /** Reports the end of a container once its log is read, then removes it. Runs once. */
  async finish(tracked: TrackedContainer): Promise<void> {
    if (tracked.ending) return;
    tracked.ending = true;
    clearTimeout(tracked.deadlineTimer);
    // A log still arriving is read to its end (its last lines hold outputs and final metrics).
    if (tracked.logs) await waitForLogEnd(tracked.logs, Date.now(), this.opts.drainMs);
    tracked.logs?.stop();
    (await tracked.stopping)?.cancel();
    const container = this.opts.docker.getContainer(tracked.containerId);
    try {
      const info = await container.inspect();
      const update = containerEnd(
        {
          exitCode: info.State.ExitCode,
          oomKilled: info.State.OOMKilled,
          finishedAt: new Date(info.State.FinishedAt),
          error: info.State.Error || undefined,
        },
        tracked.cause,
      );
      await container.remove({ force: true });
      if (!this.closed) this.opts.report(tracked.runId, update);
    } catch (err) {
      if (engineStatus(err) === 404 && !this.closed) {
        this.opts.report(
          tracked.runId,
          tracked.cause?.kind === 'stop'
            ? { state: 'stopped' }
            : { state: 'lost', reason: 'Its container was removed before Trainyard saw how it ended.' },
        );
      } else {
        this.opts.log.warn('could not read how a container ended', {
          run: tracked.runId,
          error: engineMessage(err),
        });
      }
    } finally {
      this.untrack(tracked);
    }
  }

  /** Stops following everything; containers keep running, and a restart picks them up again. */
  close(): void {
    this.closed = true;
    for (const tracked of this.byRun.values()) {
      clearTimeout(tracked.deadlineTimer);
      void tracked.stopping?.then((kill) => kill?.cancel());
      tracked.logs?.stop();
    }
    this.byRun.clear();
    this.byContainer.clear();
  }

  /** Forgets a container that never ran (its start failed), reporting nothing. */
  discard(tracked: TrackedContainer): void {
    tracked.logs?.stop();
    this.untrack(tracked);
  }

  private untrack(tracked: TrackedContainer): void {
    clearTimeout(tracked.deadlineTimer);
    if (this.byRun.get(tracked.runId) === tracked) this.byRun.delete(tracked.runId);
    this.byContainer.delete(tracked.containerId);
  }
}

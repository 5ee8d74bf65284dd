import type { RuntimeSink } from '../../../ports/runtime.ts';
import type { BackoffPolicy } from '../../../shared/backoff.ts';
import type { Logger } from '../../../shared/log.ts';
import { decodeLogCursor, encodeLogCursor, type LogPosition } from '../../../shared/log-cursor.ts';
import { MAIN_CONTAINER } from './job-manifest.ts';
import type { PodFacts } from './job-status.ts';
import type { KubeApi } from './kube-api.ts';
import { LogFollower } from './LogFollower.ts';
import { LineTail } from './line-tail.ts';

export interface RunLogsOptions {
  api: KubeApi;
  namespace: string;
  log: Logger;
  backoff: BackoffPolicy;
  /** How long a log may be quiet after its container ended before it is given up (see log-drain.ts). */
  drainMs: number;
  /** Log lines kept in memory per run. */
  tailLines: number;
  /** Where lines go (set once the runtime starts). */
  sink: () => RuntimeSink | undefined;
  /** A run's log stream ended: the tracker may be able to forget the run now. */
  onIdle: (runId: string) => void;
}

/** The log of one run: the stream of its newest pod, and its last lines. */
interface RunLog {
  follower?: LogFollower;
  pod?: string;
  tail: LineTail;
  /** When its last line was delivered (ms since the epoch), by whichever of its pods' streams. */
  lastLineAt?: number;
}

/**
 * Follows the logs of every run, one stream per run at a time (its newest pod's), and hands the
 * lines to the sink together with the position after the last of them, so delivering a line and
 * moving the run's cursor past it are one step.
 */
export class RunLogs {
  private readonly runs = new Map<string, RunLog>();
  /** Every log stream still being read, including earlier attempts' and forgotten runs'. */
  private readonly followers = new Set<LogFollower>();
  /**
   * Runs recover() handed over, each with the pod and position its log was delivered up to before
   * the restart (`run.logCursor`); taken by the first stream that follows the run.
   */
  private readonly handedOver = new Map<string, { stream?: string; position: LogPosition } | undefined>();

  constructor(private readonly opts: RunLogsOptions) {}

  /** A run from before a restart: its log goes on after `cursor`, the last position delivered. */
  handOver(runId: string, cursor: string | undefined): void {
    this.handedOver.set(runId, decodeLogCursor(cursor));
  }

  /**
   * Follows the log of the run's newest pod once its container has started. A newer attempt's
   * pod takes over from the previous one, whose log is read to its end first.
   */
  follow(runId: string, pod: PodFacts): void {
    const main = pod.main;
    if (!(main?.running || main?.terminated)) return;
    const entry = this.entry(runId);
    if (entry.pod !== pod.name) {
      const previous = entry.follower;
      previous?.finish(this.opts.drainMs);
      entry.pod = pod.name;
      // After a restart, the pod whose log was being read goes on after the last line delivered;
      // a newer attempt's pod has a log of its own, read from its start.
      const handed = this.handedOver.get(runId);
      this.handedOver.delete(runId);
      const follower = new LogFollower({
        after: previous?.done,
        from: handed?.stream === pod.name ? handed.position : undefined,
        api: this.opts.api,
        namespace: this.opts.namespace,
        pod: pod.name,
        container: MAIN_CONTAINER,
        log: this.opts.log,
        backoff: this.opts.backoff,
        onLines: (lines, position) => {
          entry.tail.push(lines);
          entry.lastLineAt = Date.now();
          this.opts.sink()?.log(runId, lines, position && encodeLogCursor(pod.name, position));
        },
      });
      entry.follower = follower;
      this.followers.add(follower);
      follower.done.then(() => {
        this.followers.delete(follower);
        this.opts.onIdle(runId);
      });
    }
    if (main.terminated) entry.follower?.finish(this.opts.drainMs);
  }

  /** Its log is still being read (or is about to be resumed). */
  reading(runId: string): boolean {
    return this.runs.get(runId)?.follower?.active ?? false;
  }

  /** When the run's log last made progress (see LogFollower.progressAt): its end waits meanwhile. */
  progressAt(runId: string): number | undefined {
    const entry = this.runs.get(runId);
    return Math.max(entry?.lastLineAt ?? 0, entry?.follower?.progressAt ?? 0) || undefined;
  }

  /** Resolves once the run's log has been read to its end, or has been quiet for the drain time. */
  drain(runId: string): Promise<void> {
    return this.runs.get(runId)?.follower?.finish(this.opts.drainMs) ?? Promise.resolve();
  }

  stop(runId: string): void {
    this.runs.get(runId)?.follower?.stop();
  }

  forget(runId: string): void {
    this.runs.delete(runId);
    this.handedOver.delete(runId);
  }

  /** The last lines read, oldest first. */
  tail(runId: string, lines: number): string[] {
    return this.runs.get(runId)?.tail.last(lines) ?? [];
  }

  async close(): Promise<void> {
    for (const follower of this.followers) follower.stop();
    await Promise.all([...this.followers].map((f) => f.done));
  }

  private entry(runId: string): RunLog {
    let entry = this.runs.get(runId);
    if (!entry) {
      entry = { tail: new LineTail(this.opts.tailLines) };
      this.runs.set(runId, entry);
    }
    return entry;
  }
}

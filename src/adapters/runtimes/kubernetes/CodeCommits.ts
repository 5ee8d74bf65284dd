import type { RuntimeSink } from '../../../ports/runtime.ts';
import type { Logger } from '../../../shared/log.ts';
import type { PodFacts } from './job-status.ts';
import type { KubeApi } from './kube-api.ts';
import { CODE_CONTAINER, commitFromLog } from './run-volumes.ts';

export interface CodeCommitsOptions {
  api: KubeApi;
  namespace: string;
  log: Logger;
  sink: () => RuntimeSink | undefined;
}

/** Runs whose commit has been read, remembered this long (oldest forgotten first). */
const REMEMBERED = 10_000;
/** Lines of the init container's log read: the commit is its last one. */
const LOG_LINES = 20;

/**
 * Reads the commit a run's code was checked out at from the log of its `code` init container, once
 * that container has ended well (just before the job's own container starts), and reports it to
 * the sink for the run's lineage. One read per run: a pod seen again, or the same run after a
 * restart, reads nothing new (the run service keeps the first commit it is told).
 */
export class CodeCommits {
  private readonly read = new Set<string>();

  constructor(private readonly opts: CodeCommitsOptions) {}

  /** A pod of a run this process follows changed. */
  seen(pod: PodFacts): void {
    if (pod.code?.terminated?.exitCode !== 0 || this.read.has(pod.runId)) return;
    this.read.add(pod.runId);
    if (this.read.size > REMEMBERED) this.read.delete(this.read.values().next().value as string);
    void this.readCommit(pod);
  }

  private async readCommit(pod: PodFacts): Promise<void> {
    const { api, namespace, log } = this.opts;
    try {
      const text = await api.readPodLog(namespace, pod.name, CODE_CONTAINER, LOG_LINES);
      const commit = commitFromLog(text);
      if (commit) this.opts.sink()?.resolved?.(pod.runId, { commit });
      else log.warn('the code init container printed no commit', { run: pod.runId, pod: pod.name });
    } catch (err) {
      // The pod may be gone already; the run goes on, its lineage without the commit.
      this.read.delete(pod.runId);
      log.warn('could not read the commit of a run', { run: pod.runId, error: String(err) });
    }
  }
}

import { type BuildSpec, isEnded, type Run } from '../../core/run/run.ts';
import { BuildError, type ImageBuilder } from '../../ports/image-builder.ts';
import type { LogArchive } from '../../ports/log-archive.ts';
import type { Runtime } from '../../ports/runtime.ts';
import type { Store } from '../../ports/store.ts';
import type { Logger } from '../../shared/log.ts';
import type { RunUpdates } from './RunUpdates.ts';

export interface RunStarterDeps {
  store: Store;
  runtime: Runtime;
  /** Absent when no Docker engine is configured: templates that need a build then fail with a sentence. */
  builder?: ImageBuilder;
  logs: Pick<LogArchive, 'append'>;
  updates: RunUpdates;
  log: Logger;
}

/** Takes a queued run to the runtime: builds its image when the template asks for one, then submits it. */
export class RunStarter {
  /** Runs being built or submitted right now, and when that is over. */
  private readonly starting = new Map<string, Promise<void>>();
  /** Of those, the ones stopped meanwhile. */
  private readonly cancelled = new Set<string>();

  constructor(private readonly deps: RunStarterDeps) {}

  /**
   * Starts the run in the background; every outcome is reported through the run's state. Resolves
   * (never rejects) once it is over: the run reached the runtime, failed, or needs nothing more.
   */
  start(runId: string): Promise<void> {
    const under = this.starting.get(runId);
    if (under) return under;
    const starting = this.startNow(runId)
      .catch((err: unknown) => this.deps.log.error('starting a run failed', { run: runId, err }))
      .finally(() => {
        this.starting.delete(runId);
        this.cancelled.delete(runId);
      });
    this.starting.set(runId, starting);
    return starting;
  }

  /** The run was stopped before it reached the runtime: it never starts, and a job being created now is stopped once it exists. */
  cancel(runId: string): void {
    if (this.starting.has(runId)) this.cancelled.add(runId);
  }

  private async startNow(runId: string): Promise<void> {
    const { store, runtime, updates } = this.deps;
    let run = store.getRun(runId);
    if (!run || isEnded(run.state)) return;
    try {
      if (run.spec.build && runtime.kind !== 'process') {
        const built = await this.build(run, run.spec.build);
        if (!built) return;
        run = built;
      }
      if (this.cancelled.has(runId)) return;
      // The run is on disk before its job exists: a kill -9 in between leaves a queued run that
      // the next start finds (and its job with it), never a job no stored run knows of, whose
      // run (a sweep's trial) would be launched again.
      await store.flush();
      const placement = await runtime.submit(run);
      const latest = { ...(store.getRun(runId) ?? run), placement };
      updates.save(latest);
      // Stopped while the job was being created: it exists now, so stop it for real.
      if (this.cancelled.has(runId)) {
        await runtime.stop(latest);
        return;
      }
      if (latest.state === 'queued' || latest.state === 'building') {
        updates.update(runId, { state: 'pending', reason: 'waiting to start' });
      }
    } catch (err) {
      const reason =
        err instanceof BuildError
          ? err.message
          : `It could not be started: ${err instanceof Error ? err.message : String(err)}`;
      if (err instanceof BuildError && err.lastLines.length) this.deps.logs.append(runId, err.lastLines);
      else if (!(err instanceof BuildError)) this.deps.log.error('submit failed', { run: runId, err });
      updates.update(runId, { state: 'failed', reason });
    }
  }

  /** The run with its built image, or undefined when it cannot (or need not any more) go on. */
  private async build(run: Run, build: BuildSpec): Promise<Run | undefined> {
    const { store, builder, updates } = this.deps;
    const runId = run.id;
    if (!builder) {
      updates.update(runId, {
        state: 'failed',
        reason: `Template ${run.spec.template} needs an image build, but no Docker engine is configured; start Docker or set DOCKER_HOST.`,
      });
      return undefined;
    }
    updates.update(runId, { state: 'building', reason: 'building the image' });
    const image = await builder.ensureImage(run.spec.template, build, (p) => {
      const r = store.getRun(runId);
      if (r?.state !== 'building' || !p.step || !p.totalSteps) return;
      updates.save({ ...r, progress: { current: p.step, total: p.totalSteps, unit: 'build step' } });
    });
    const latest = store.getRun(runId);
    if (!latest || isEnded(latest.state) || this.cancelled.has(runId)) return undefined;
    const built: Run = { ...latest, spec: { ...latest.spec, image }, progress: undefined };
    // The content tag names exactly what was built: lineage keeps it.
    if (built.lineage) built.lineage = { ...built.lineage, image };
    updates.save(built);
    return built;
  }
}

import type Docker from 'dockerode';
import { type Config, ConfigError } from '../../../config/env.ts';
import { kubernetesOnlyRefusal } from '../../../core/run/kubernetes-only.ts';
import { isEnded, type Run, type RunSpec } from '../../../core/run/run.ts';
import { LABELS, MANAGED_SELECTOR } from '../../../core/run/run-identity.ts';
import type { Placement, Runtime, RuntimeSink } from '../../../ports/runtime.ts';
import { splitLines } from '../../../shared/line-splitter.ts';
import type { Logger } from '../../../shared/log.ts';
import { artifactsFolder, cloneRunCode, prepareRunFolders } from '../../../shared/run-folders.ts';
import { asSentence, connectDocker, engineMessage, noEngineMessage } from '../../docker/docker-engine.ts';
import { ContainerEvents } from './ContainerEvents.ts';
import { resumePosition } from './ContainerLogs.ts';
import { ContainerTracker } from './ContainerTracker.ts';
import { containerCreateOptions, type RunMounts } from './container-spec.ts';
import { createRunContainer } from './create-container.ts';
import { demuxAll } from './log-frames.ts';

export interface DockerRuntimeOptions {
  docker: Docker;
  log: Logger;
  /** Network the containers join (`none` in tests, `bridge` by default). */
  network?: string;
  /** Seconds between SIGTERM and SIGKILL when a run is stopped. */
  stopGraceSeconds?: number;
  /** TRAINYARD_REGISTRY, for credentials when an image has to be pulled. */
  registry?: string;
  env?: NodeJS.ProcessEnv;
  /** How long a run's log may be quiet after its container ended before it is given up (see log-drain.ts). */
  logDrainMs?: number;
  /**
   * TRAINYARD_DATA, which the engine must see at the same path (the bot on the Docker host): each
   * run's artifacts folder, its inputs and its clone are bind-mounted from there. Without it,
   * containers get none of these.
   */
  dataDir?: string;
}

const short = (containerId: string) => containerId.slice(0, 12);

/**
 * Runs each run as a container on one Docker host. One event stream, selected by the Trainyard
 * label, tells about every container's start and end; each container's log is followed; the
 * container tracker alone decides when a run has ended and reports how.
 */
export class DockerRuntime implements Runtime {
  readonly kind = 'docker' as const;
  readonly location: string;
  readonly keepsArtifacts: boolean;
  private readonly dataDir?: string;
  private readonly docker: Docker;
  private readonly log: Logger;
  private readonly network: string;
  private readonly registry?: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly events: ContainerEvents;
  private readonly containers: ContainerTracker;
  private sink?: RuntimeSink;

  constructor(opts: DockerRuntimeOptions) {
    this.docker = opts.docker;
    this.log = opts.log;
    this.network = opts.network ?? 'bridge';
    this.dataDir = opts.dataDir;
    this.keepsArtifacts = opts.dataDir !== undefined;
    this.registry = opts.registry;
    this.env = opts.env ?? process.env;
    const host = this.env.DOCKER_HOST;
    this.location = host ? `Docker at ${host}` : 'Docker on this machine';
    this.containers = new ContainerTracker({
      docker: opts.docker,
      log: opts.log,
      report: (runId, update) => this.sink?.update(runId, update),
      deliver: (runId, lines, cursor) => this.sink?.log(runId, lines, cursor),
      graceMs: (opts.stopGraceSeconds ?? 10) * 1000,
      drainMs: opts.logDrainMs ?? 5000,
    });
    this.events = new ContainerEvents({
      docker: opts.docker,
      log: opts.log,
      onEvent: (action, containerId, at) => {
        if (action === 'start') this.containers.started(containerId, at);
        else this.containers.died(containerId);
      },
    });
  }

  async start(sink: RuntimeSink): Promise<void> {
    this.sink = sink;
    try {
      await this.docker.ping();
    } catch {
      // A setting to fix before the bot can run, like a missing kubeconfig: said as one sentence.
      throw new ConfigError(noEngineMessage(this.env));
    }
    await this.events.connect();
  }

  ready(): boolean {
    return this.events.connected;
  }

  /** Resolves once the event stream has been open once; never rejects. */
  whenSynced(): Promise<void> {
    return this.events.whenConnected;
  }

  cannotHonour(spec: RunSpec): string | undefined {
    return kubernetesOnlyRefusal(spec, 'the Docker runtime');
  }

  /**
   * Creates and starts the run's container. Its name comes from the run id, so submitting a run
   * whose container exists already picks that container up instead of making a second one.
   */
  async submit(run: Run): Promise<Placement> {
    const refusal = this.cannotHonour(run.spec);
    if (refusal) throw new Error(refusal);
    const known = this.containers.ofRun(run.id);
    if (known) return { handle: short(known.containerId) };
    const created = await createRunContainer({
      docker: this.docker,
      options: containerCreateOptions(run, this.network, await this.mounts(run)),
      runId: run.id,
      registry: this.registry,
      env: this.env,
    });
    const tracked = this.containers.track(run.id, created.container.id);
    if (created.existing) {
      await this.reattach(run, tracked);
      return { handle: short(created.container.id) };
    }
    try {
      await created.container.start();
    } catch (err) {
      this.containers.discard(tracked);
      await created.container.remove({ force: true }).catch(() => {});
      throw new Error(
        asSentence(`The container for run ${run.number} could not start: ${engineMessage(err)}`),
      );
    }
    this.containers.followLogs(tracked);
    this.containers.armDeadline(tracked, run.spec.job.activeDeadlineSeconds, new Date());
    return { handle: short(created.container.id) };
  }

  /**
   * The run's folders on the bot's disk, bind-mounted into its container: artifacts read-write,
   * inputs read-only, and its clone, made here on the host with the bot's git (so no git image has
   * to be pulled), whose commit is reported before the container is created.
   */
  private async mounts(run: Run): Promise<RunMounts | undefined> {
    const { dataDir } = this;
    if (!dataDir) return undefined;
    const inputs = run.spec.inputs ?? [];
    const folders = await prepareRunFolders(dataDir, run.id, inputs, { links: false });
    const mounts: RunMounts = {
      artifacts: folders.artifacts,
      inputs: inputs.map((i) => ({ path: i.path, folder: artifactsFolder(dataDir, i.runId) })),
    };
    const { code } = run.spec;
    if (code) {
      const commit = await cloneRunCode(folders, code);
      mounts.code = folders.code;
      this.sink?.resolved?.(run.id, { commit });
    }
    return mounts;
  }

  async stop(run: Run): Promise<void> {
    const tracked = this.containers.ofRun(run.id);
    if (!tracked) {
      this.containers.endWithout(run.id, { state: 'stopped', reason: 'It had no container left to stop.' });
      return;
    }
    tracked.cause ??= { kind: 'stop' };
    await this.containers.terminate(tracked);
  }

  async recover(runs: Run[]): Promise<void> {
    const found = await this.docker.listContainers({ all: true, filters: { label: [MANAGED_SELECTOR] } });
    const containers = new Map(found.map((c) => [c.Labels[LABELS.run], c.Id]));
    for (const run of runs) {
      if (isEnded(run.state) || this.containers.ofRun(run.id)) continue;
      const containerId = containers.get(run.id);
      if (!containerId) {
        // Without a placement the run never reached the engine (it was queued or building).
        if (run.placement) {
          this.containers.endWithout(run.id, {
            state: 'lost',
            reason: 'Its container is gone; it was removed while Trainyard was not watching.',
          });
        }
        continue;
      }
      try {
        await this.reattach(run, this.containers.track(run.id, containerId));
      } catch (err) {
        this.log.warn('could not re-attach to a container', { run: run.id, error: engineMessage(err) });
      }
    }
  }

  async tail(run: Run, lines: number): Promise<string[]> {
    const tracked = this.containers.ofRun(run.id);
    if (!tracked) return [];
    const reply = (await this.docker
      .getContainer(tracked.containerId)
      .logs({ stdout: true, stderr: true, follow: false, tail: lines })) as unknown as Buffer;
    return splitLines(demuxAll(reply)).slice(-lines);
  }

  async close(): Promise<void> {
    this.events.close();
    this.containers.close();
  }

  /**
   * Picks a found container up where it is: running, never started, or already ended. Its log is
   * read on from `run.logCursor`, so the lines printed while no one watched arrive, and no others.
   */
  private async reattach(run: Run, tracked: ReturnType<ContainerTracker['track']>): Promise<void> {
    const container = this.docker.getContainer(tracked.containerId);
    const { State: state } = await container.inspect();
    const deadline = run.spec.job.activeDeadlineSeconds;
    const from = resumePosition(run.logCursor, tracked.containerId);
    if (state.Running || state.Restarting || state.Paused) {
      this.containers.running(tracked, new Date(state.StartedAt));
      this.containers.followLogs(tracked, from);
      this.containers.armDeadline(tracked, deadline, new Date(state.StartedAt));
    } else if (state.Status === 'created') {
      // Trainyard stopped between creating and starting it: start it now.
      await container.start();
      this.containers.followLogs(tracked);
      this.containers.armDeadline(tracked, deadline, new Date());
    } else {
      // The log of an ended container ends by itself; the tracker then reports its end.
      this.containers.followLogs(tracked, from);
      await this.containers.finish(tracked);
    }
  }
}

/** The runtime for the composition root; `network` defaults to the engine's `bridge`. */
export function createDockerRuntime(opts: {
  config: Pick<Config, 'registry'> & Partial<Pick<Config, 'dataDir'>>;
  log: Logger;
  docker?: Docker;
  network?: string;
  stopGraceSeconds?: number;
}): DockerRuntime {
  return new DockerRuntime({
    docker: opts.docker ?? connectDocker(),
    log: opts.log.child({ component: 'docker-runtime' }),
    network: opts.network,
    stopGraceSeconds: opts.stopGraceSeconds,
    registry: opts.config.registry,
    dataDir: opts.config.dataDir,
  });
}

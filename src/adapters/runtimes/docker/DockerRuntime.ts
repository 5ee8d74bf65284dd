import { StringDecoder } from 'node:string_decoder';
import type Docker from 'dockerode';
import type { Config } from '../../../config/env.ts';
import { isEnded, type Run } from '../../../core/run/run.ts';
import { LABELS, MANAGED_SELECTOR } from '../../../core/run/run-identity.ts';
import type { Placement, Runtime, RuntimeSink } from '../../../ports/runtime.ts';
import { createLineSplitter } from '../../../shared/line-splitter.ts';
import type { Logger } from '../../../shared/log.ts';
import {
  asSentence,
  connectDocker,
  engineMessage,
  engineStatus,
  noEngineMessage,
} from '../../docker/docker-engine.ts';
import { registryAuth } from '../../docker/registry-auth.ts';
import { containerEnd, type EndCause } from './container-end.ts';
import { containerCreateOptions } from './container-spec.ts';
import { demuxAll, FrameDemuxer, parseLogCursor, secondOf, splitTimestamp } from './log-frames.ts';

/** Streams dockerode hands out are HTTP responses, which can be destroyed to hang up. */
type Destroyable = NodeJS.ReadableStream & { destroy?: () => void };

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
}

/** A container Trainyard follows, from submit (or recovery) until its end is reported. */
interface TrackedContainer {
  runId: string;
  containerId: string;
  cause: EndCause;
  ending: boolean;
  logStream?: Destroyable;
  /** Settles when the log stream has ended, so the last lines reach the sink before the end state. */
  logsDone: Promise<void>;
  markLogsDone: () => void;
  killTimer?: NodeJS.Timeout;
  deadlineTimer?: NodeJS.Timeout;
}

const LOG_DRAIN_MS = 5000;
const RECONNECT_MAX_MS = 10_000;

/**
 * Runs each run as a container on one Docker host. One event stream, selected by the
 * Trainyard label, tells about every container's start and end; each running container's
 * logs are followed and split into lines for the sink.
 */
export class DockerRuntime implements Runtime {
  readonly kind = 'docker' as const;
  readonly location: string;
  private readonly docker: Docker;
  private readonly log: Logger;
  private readonly network: string;
  private readonly graceSeconds: number;
  private readonly registry?: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly byRun = new Map<string, TrackedContainer>();
  private readonly byContainer = new Map<string, TrackedContainer>();
  private sink?: RuntimeSink;
  private events?: Destroyable;
  private connected = false;
  private closed = false;
  private lastEventSeconds?: number;
  private reconnectTimer?: NodeJS.Timeout;
  private reconnectDelayMs = 500;
  private markStarted!: () => void;
  private readonly started = new Promise<void>((resolve) => {
    this.markStarted = resolve;
  });

  constructor(opts: DockerRuntimeOptions) {
    this.docker = opts.docker;
    this.log = opts.log;
    this.network = opts.network ?? 'bridge';
    this.graceSeconds = opts.stopGraceSeconds ?? 10;
    this.registry = opts.registry;
    this.env = opts.env ?? process.env;
    const host = this.env.DOCKER_HOST;
    this.location = host ? `Docker at ${host}` : 'Docker on this machine';
  }

  async start(sink: RuntimeSink): Promise<void> {
    this.sink = sink;
    try {
      await this.docker.ping();
    } catch {
      throw new Error(noEngineMessage(this.env));
    }
    await this.watchEvents();
    this.markStarted();
  }

  ready(): boolean {
    return this.connected;
  }

  /** start() opens the event stream before it resolves, and recover() lists the containers itself. */
  whenSynced(): Promise<void> {
    return this.started;
  }

  async submit(run: Run): Promise<Placement> {
    const options = containerCreateOptions(run, this.network);
    const container = await this.createContainer(options, run.spec.image as string);
    const tracked = this.track(run.id, container.id);
    try {
      await container.start();
    } catch (err) {
      this.untrack(tracked);
      await container.remove({ force: true }).catch(() => {});
      throw new Error(
        asSentence(`The container for run ${run.number} could not start: ${engineMessage(err)}`),
      );
    }
    this.followLogs(tracked);
    this.armDeadline(tracked, run.spec.job.activeDeadlineSeconds, new Date());
    return { handle: container.id.slice(0, 12) };
  }

  async stop(run: Run): Promise<void> {
    const tracked = this.byRun.get(run.id);
    if (!tracked) {
      this.sink?.update(run.id, { state: 'stopped', reason: 'It had no container left to stop.' });
      return;
    }
    tracked.cause ??= { kind: 'stop' };
    await this.terminate(tracked);
  }

  async recover(runs: Run[]): Promise<void> {
    const found = await this.docker.listContainers({ all: true, filters: { label: [MANAGED_SELECTOR] } });
    const containers = new Map(found.map((c) => [c.Labels[LABELS.run], c.Id]));
    for (const run of runs) {
      if (isEnded(run.state) || this.byRun.has(run.id)) continue;
      const containerId = containers.get(run.id);
      if (!containerId) {
        // Without a placement the run never reached the engine (it was queued or building).
        if (run.placement) {
          this.sink?.update(run.id, {
            state: 'lost',
            reason: 'Its container is gone; it was removed while Trainyard was not watching.',
          });
        }
        continue;
      }
      try {
        await this.reattach(run, this.track(run.id, containerId));
      } catch (err) {
        this.log.warn('could not re-attach to a container', { run: run.id, error: engineMessage(err) });
      }
    }
  }

  /**
   * Picks a found container up where it is: running, never started, or already ended. Its log is
   * read on from `run.logCursor`, so the lines printed while no one watched arrive, and no others.
   */
  private async reattach(run: Run, tracked: TrackedContainer): Promise<void> {
    const container = this.docker.getContainer(tracked.containerId);
    const { State: state } = await container.inspect();
    const deadline = run.spec.job.activeDeadlineSeconds;
    const cursor = parseLogCursor(run.logCursor);
    if (state.Running || state.Restarting || state.Paused) {
      this.sink?.update(run.id, { state: 'running', at: new Date(state.StartedAt) });
      this.followLogs(tracked, cursor);
      this.armDeadline(tracked, deadline, new Date(state.StartedAt));
    } else if (state.Status === 'created') {
      // Trainyard stopped between creating and starting it: start it now.
      await container.start();
      this.followLogs(tracked);
      this.armDeadline(tracked, deadline, new Date());
    } else {
      // The stream of an ended container ends by itself; finish() waits for it.
      this.followLogs(tracked, cursor);
      await this.finish(tracked);
    }
  }

  async tail(run: Run, lines: number): Promise<string[]> {
    const tracked = this.byRun.get(run.id);
    if (!tracked) return [];
    const reply = (await this.docker
      .getContainer(tracked.containerId)
      .logs({ stdout: true, stderr: true, follow: false, tail: lines })) as unknown as Buffer;
    return demuxAll(reply)
      .split(/\r\n|\n|\r/)
      .filter((l) => l.length > 0)
      .slice(-lines);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.connected = false;
    clearTimeout(this.reconnectTimer);
    this.events?.destroy?.();
    for (const tracked of this.byRun.values()) {
      clearTimeout(tracked.killTimer);
      clearTimeout(tracked.deadlineTimer);
      tracked.logStream?.destroy?.();
      tracked.markLogsDone();
    }
    this.byRun.clear();
    this.byContainer.clear();
  }

  // --- containers ---------------------------------------------------------------------------

  /** Creates the container, pulling the image first when the engine does not have it. */
  private async createContainer(
    options: Docker.ContainerCreateOptions,
    image: string,
  ): Promise<Docker.Container> {
    try {
      return await this.docker.createContainer(options);
    } catch (err) {
      if (engineStatus(err) !== 404) {
        throw new Error(
          asSentence(`The Docker engine refused to create the container: ${engineMessage(err)}`),
        );
      }
    }
    await this.pull(image);
    return this.docker.createContainer(options);
  }

  private async pull(image: string): Promise<void> {
    const auth =
      this.registry && image.startsWith(this.registry)
        ? await registryAuth(this.registry, this.env)
        : undefined;
    let failure: string | undefined;
    try {
      const stream = await this.docker.pull(image, auth ? { authconfig: auth } : {});
      await new Promise<void>((resolve, reject) => {
        this.docker.modem.followProgress(
          stream,
          (err: Error | null) => (err ? reject(err) : resolve()),
          (event: { error?: string; errorDetail?: { message?: string } }) => {
            failure ??= event.errorDetail?.message ?? event.error;
          },
        );
      });
    } catch (err) {
      failure ??= engineMessage(err);
    }
    if (failure !== undefined)
      throw new Error(asSentence(`The image ${image} could not be pulled: ${failure}`));
  }

  /** SIGTERM now, SIGKILL after the grace period; the die event then ends the run. */
  private async terminate(tracked: TrackedContainer): Promise<void> {
    const container = this.docker.getContainer(tracked.containerId);
    try {
      await container.kill({ signal: 'SIGTERM' });
    } catch (err) {
      // 409: not running any more; 404: already gone. Either way its end is (or was) reported.
      if (engineStatus(err) === 404) await this.finish(tracked);
      return;
    }
    clearTimeout(tracked.killTimer);
    tracked.killTimer = setTimeout(() => {
      container.kill({ signal: 'SIGKILL' }).catch(() => {});
    }, this.graceSeconds * 1000);
  }

  private armDeadline(tracked: TrackedContainer, seconds: number | undefined, startedAt: Date): void {
    if (!seconds) return;
    const remaining = Math.max(0, startedAt.getTime() + seconds * 1000 - Date.now());
    tracked.deadlineTimer = setTimeout(() => {
      tracked.cause ??= { kind: 'deadline', seconds };
      void this.terminate(tracked);
    }, remaining);
  }

  /** Reports the end of a container once its logs are drained, then removes it. Runs once. */
  private async finish(tracked: TrackedContainer): Promise<void> {
    if (tracked.ending) return;
    tracked.ending = true;
    clearTimeout(tracked.deadlineTimer);
    let drainTimer: NodeJS.Timeout | undefined;
    await Promise.race([
      tracked.logsDone,
      new Promise<void>((done) => {
        drainTimer = setTimeout(done, LOG_DRAIN_MS);
      }),
    ]);
    clearTimeout(drainTimer);
    clearTimeout(tracked.killTimer);
    const container = this.docker.getContainer(tracked.containerId);
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
      if (!this.closed) this.sink?.update(tracked.runId, update);
    } catch (err) {
      if (engineStatus(err) === 404 && !this.closed) {
        this.sink?.update(
          tracked.runId,
          tracked.cause?.kind === 'stop'
            ? { state: 'stopped' }
            : { state: 'lost', reason: 'Its container was removed before Trainyard saw how it ended.' },
        );
      } else {
        this.log.warn('could not read how a container ended', {
          run: tracked.runId,
          error: engineMessage(err),
        });
      }
    } finally {
      this.untrack(tracked);
    }
  }

  private track(runId: string, containerId: string): TrackedContainer {
    let markLogsDone = () => {};
    const logsDone = new Promise<void>((resolve) => {
      markLogsDone = resolve;
    });
    const tracked: TrackedContainer = {
      runId,
      containerId,
      cause: undefined,
      ending: false,
      logsDone,
      markLogsDone,
    };
    this.byRun.set(runId, tracked);
    this.byContainer.set(containerId, tracked);
    return tracked;
  }

  private untrack(tracked: TrackedContainer): void {
    clearTimeout(tracked.killTimer);
    clearTimeout(tracked.deadlineTimer);
    this.byRun.delete(tracked.runId);
    this.byContainer.delete(tracked.containerId);
  }

  // --- logs ---------------------------------------------------------------------------------

  /**
   * Follows a container's stdout and stderr into the sink, line by line, each delivery with the
   * timestamp key of its newest line as the cursor. After a restart (`after`, the cursor the
   * previous process reached) the stream starts at that whole second and the lines stamped at
   * or before the cursor are dropped, so none repeats.
   */
  private followLogs(tracked: TrackedContainer, after?: string): void {
    let cursor = after;
    const emit = (lines: string[]) => {
      const fresh: string[] = [];
      for (const line of lines) {
        const { key, text } = splitTimestamp(line);
        if (after && key && key <= after) continue;
        // stdout and stderr are split apart: a line completed late may be stamped earlier.
        if (key && (!cursor || key > cursor)) cursor = key;
        fresh.push(text);
      }
      if (fresh.length && !this.closed) this.sink?.log(tracked.runId, fresh, cursor);
    };
    const streams = {
      stdout: { decoder: new StringDecoder('utf8'), lines: createLineSplitter(emit) },
      stderr: { decoder: new StringDecoder('utf8'), lines: createLineSplitter(emit) },
    };
    const demuxer = new FrameDemuxer((stream, payload) => {
      streams[stream].lines.push(streams[stream].decoder.write(payload));
    });
    this.docker
      .getContainer(tracked.containerId)
      .logs({
        follow: true,
        stdout: true,
        stderr: true,
        timestamps: true,
        since: after ? secondOf(after) : 0,
      })
      .then((reply) => {
        const stream = reply as Destroyable;
        tracked.logStream = stream;
        if (this.closed) stream.destroy?.();
        stream.on('data', (chunk: Buffer) => demuxer.push(chunk));
        const ended = () => {
          for (const s of Object.values(streams)) {
            s.lines.push(s.decoder.end());
            s.lines.end();
          }
          tracked.markLogsDone();
          // The log stream ends when the container stops: a safety net if the die event was missed.
          if (!this.closed && !tracked.ending) void this.checkEnded(tracked);
        };
        stream.once('end', ended);
        stream.once('error', ended);
      })
      .catch((err: unknown) => {
        this.log.warn('could not follow container logs', { run: tracked.runId, error: engineMessage(err) });
        tracked.markLogsDone();
      });
  }

  private async checkEnded(tracked: TrackedContainer): Promise<void> {
    try {
      const info = await this.docker.getContainer(tracked.containerId).inspect();
      if (!info.State.Running && info.State.Status !== 'created') await this.finish(tracked);
    } catch (err) {
      if (engineStatus(err) === 404) await this.finish(tracked);
    }
  }

  // --- events -------------------------------------------------------------------------------

  /** One label-selected event stream for all containers; reconnects with `since` so nothing is missed. */
  private async watchEvents(): Promise<void> {
    const options: Docker.GetEventsOptions = {
      filters: { type: ['container'], label: [MANAGED_SELECTOR], event: ['start', 'die'] },
    };
    if (this.lastEventSeconds !== undefined) options.since = this.lastEventSeconds;
    const stream = (await this.docker.getEvents(options)) as Destroyable;
    this.events = stream;
    this.connected = true;
    this.reconnectDelayMs = 500;
    let buffered = '';
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line) this.onEventLine(line);
        newline = buffered.indexOf('\n');
      }
    });
    const lost = () => {
      if (this.events !== stream) return;
      this.events = undefined;
      this.connected = false;
      if (!this.closed) this.scheduleReconnect();
    };
    stream.once('end', lost);
    stream.once('close', lost);
    stream.once('error', lost);
  }

  private scheduleReconnect(): void {
    const delay = this.reconnectDelayMs;
    this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, RECONNECT_MAX_MS);
    this.log.warn('docker event stream ended; reconnecting', { delayMs: delay });
    this.reconnectTimer = setTimeout(() => {
      this.watchEvents().catch((err: unknown) => {
        this.log.warn('reconnecting to docker events failed', { error: engineMessage(err) });
        if (!this.closed) this.scheduleReconnect();
      });
    }, delay);
  }

  private onEventLine(line: string): void {
    let event: { Action?: string; status?: string; id?: string; time?: number; timeNano?: number };
    try {
      event = JSON.parse(line);
    } catch {
      return;
    }
    if (event.time !== undefined) this.lastEventSeconds = event.time;
    const tracked = event.id ? this.byContainer.get(event.id) : undefined;
    if (!tracked) return;
    const action = event.Action ?? event.status;
    if (action === 'start') {
      const at = event.timeNano ? new Date(Math.floor(event.timeNano / 1e6)) : new Date();
      this.sink?.update(tracked.runId, { state: 'running', at });
    } else if (action === 'die') {
      void this.finish(tracked);
    }
  }
}

/** The runtime for the composition root; `network` defaults to the engine's `bridge`. */
export function createDockerRuntime(opts: {
  config: Pick<Config, 'registry'>;
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
  });
}

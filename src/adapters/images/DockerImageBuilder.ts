import type Docker from 'dockerode';
import { z } from 'zod';
import { type Config, ConfigError } from '../../config/env.ts';
import type { BuildSpec } from '../../core/run/run.ts';
import { LABELS, MANAGED_BY } from '../../core/run/run-identity.ts';
import { BuildError, type BuildProgress, type ImageBuilder } from '../../ports/image-builder.ts';
import type { Logger } from '../../shared/log.ts';
import { readEngineStream } from '../docker/build-stream.ts';
import {
  asSentence,
  connectDocker,
  engineMessage,
  engineStatus,
  noEngineMessage,
} from '../docker/docker-engine.ts';
import { type RegistryAuth, registryAuth } from '../docker/registry-auth.ts';
import {
  type BuildContext,
  contentTag,
  DEFAULT_CONTEXT_LIMIT_BYTES,
  dockerfilePath,
  hashContext,
} from './context-hash.ts';

export interface DockerImageBuilderOptions {
  /** The engine; when not given, connected on the first build, so dockerode loads only if something is built. */
  docker?: Docker;
  log: Logger;
  /** TRAINYARD_REGISTRY: built images are tagged under it and pushed there. */
  registry?: string;
  /** Largest context (after .dockerignore) that is sent to the engine. */
  contextLimitBytes?: number;
  /** Network for RUN steps; the engine's default when unset. */
  networkMode?: string;
  /** Where registry credentials are read from (TRAINYARD_REGISTRY_USERNAME / _PASSWORD, DOCKER_CONFIG). */
  env?: NodeJS.ProcessEnv;
}

interface InFlightBuild {
  promise: Promise<string>;
  listeners: Set<(p: BuildProgress) => void>;
}

/**
 * Builds template images with the Docker engine, tagged by content: an image whose tag
 * already exists (locally or in the registry) is reused, and concurrent requests for the
 * same tag wait on one build.
 */
export class DockerImageBuilder implements ImageBuilder {
  private readonly inFlight = new Map<string, InFlightBuild>();
  private client?: Docker;
  private readonly log: Logger;
  private readonly registry?: string;
  private readonly contextLimitBytes: number;
  private readonly networkMode?: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(opts: DockerImageBuilderOptions) {
    this.client = opts.docker;
    this.log = opts.log;
    this.registry = opts.registry;
    this.contextLimitBytes = opts.contextLimitBytes ?? DEFAULT_CONTEXT_LIMIT_BYTES;
    this.networkMode = opts.networkMode;
    this.env = opts.env ?? process.env;
  }

  private get docker(): Docker {
    this.client ??= connectDocker();
    return this.client;
  }

  async ensureImage(
    template: string,
    build: BuildSpec,
    onProgress: (p: BuildProgress) => void,
  ): Promise<string> {
    const context = await hashContext(build, this.contextLimitBytes).catch((err: unknown) => {
      if (err instanceof BuildError) throw err;
      throw new BuildError(
        asSentence(`Reading the build context ${build.context} failed: ${(err as Error).message}`),
      );
    });
    const tag = contentTag(template, context.hash, this.registry);
    let job = this.inFlight.get(tag);
    if (!job) {
      const listeners = new Set<(p: BuildProgress) => void>();
      const report = (p: BuildProgress) => {
        for (const listener of listeners) listener(p);
      };
      const promise = this.produce(template, tag, build, context, report).finally(() =>
        this.inFlight.delete(tag),
      );
      job = { promise, listeners };
      this.inFlight.set(tag, job);
    }
    job.listeners.add(onProgress);
    try {
      return await job.promise;
    } finally {
      job.listeners.delete(onProgress);
    }
  }

  /** Makes sure `tag` exists locally or in the registry, building and pushing only what is missing. */
  private async produce(
    template: string,
    tag: string,
    build: BuildSpec,
    context: BuildContext,
    report: (p: BuildProgress) => void,
  ): Promise<string> {
    try {
      await this.docker.ping();
    } catch {
      throw new BuildError(noEngineMessage(this.env));
    }
    try {
      const auth = this.registry ? await registryAuth(this.registry, this.env) : undefined;
      if (await this.existsLocally(tag)) {
        this.log.debug('image found locally', { tag });
        if (this.registry && !(await this.existsInRegistry(tag, auth))) await this.push(tag, auth, report);
        return tag;
      }
      if (this.registry && (await this.existsInRegistry(tag, auth))) {
        this.log.debug('image found in the registry', { tag });
        return tag;
      }
      await this.build(template, tag, build, context, report);
      if (this.registry) await this.push(tag, auth, report);
      return tag;
    } catch (err) {
      if (err instanceof BuildError) throw err;
      if (isConnectionError(err)) throw new BuildError(noEngineMessage(this.env));
      throw new BuildError(
        asSentence(`The Docker engine refused the image build for ${template}: ${engineMessage(err)}`),
      );
    }
  }

  private async existsLocally(tag: string): Promise<boolean> {
    try {
      await this.docker.getImage(tag).inspect();
      return true;
    } catch (err) {
      if (engineStatus(err) === 404) return false;
      throw err;
    }
  }

  /** Asks the engine to look the manifest up in the registry; any refusal counts as "not there". */
  private async existsInRegistry(tag: string, auth: RegistryAuth | undefined): Promise<boolean> {
    try {
      await this.docker.getImage(tag).distribution(auth ? { authconfig: auth } : {});
      return true;
    } catch (err) {
      this.log.debug('image not found in the registry', { tag, reason: engineMessage(err) });
      return false;
    }
  }

  private async build(
    template: string,
    tag: string,
    build: BuildSpec,
    context: BuildContext,
    report: (p: BuildProgress) => void,
  ): Promise<void> {
    this.log.info('building image', {
      template,
      tag,
      files: context.entries.length,
      bytes: context.totalBytes,
    });
    const stream = await this.docker.buildImage(
      { context: context.dir, src: context.entries.map((e) => e.path) },
      {
        t: tag,
        dockerfile: dockerfilePath(build),
        buildargs: build.buildArgs,
        ...(build.target ? { target: build.target } : {}),
        ...(this.networkMode ? { networkmode: this.networkMode } : {}),
        labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.template]: template },
        rm: true,
        forcerm: true,
        version: '1',
      },
    );
    const reader = await readEngineStream(this.docker, stream, report);
    if (reader.error !== undefined) {
      throw new BuildError(
        asSentence(`The image build for ${template} failed: ${reader.error}`),
        reader.lastLines(),
      );
    }
  }

  private async push(
    tag: string,
    auth: RegistryAuth | undefined,
    report: (p: BuildProgress) => void,
  ): Promise<void> {
    const colon = tag.lastIndexOf(':');
    const stream = await this.docker
      .getImage(tag.slice(0, colon))
      .push({ tag: tag.slice(colon + 1), ...(auth ? { authconfig: auth } : {}) });
    const reader = await readEngineStream(this.docker, stream, report);
    if (reader.error !== undefined) {
      throw new BuildError(
        asSentence(`Pushing ${tag} to the registry ${this.registry} failed: ${reader.error}`),
        reader.lastLines(),
      );
    }
    this.log.info('image pushed', { tag });
  }
}

function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'EACCES' || code === 'ECONNRESET';
}

const BuilderEnv = z.object({
  TRAINYARD_BUILD_CONTEXT_LIMIT_MB: z.coerce.number().int().positive().optional(),
});

/**
 * The builder for the composition root. Reads TRAINYARD_BUILD_CONTEXT_LIMIT_MB (default 500)
 * and the registry credentials from `env`; the registry itself comes from `config.registry`.
 */
export function createDockerImageBuilder(opts: {
  config: Pick<Config, 'registry'>;
  log: Logger;
  docker?: Docker;
  env?: NodeJS.ProcessEnv;
  networkMode?: string;
}): DockerImageBuilder {
  const env = opts.env ?? process.env;
  const parsed = BuilderEnv.safeParse({
    TRAINYARD_BUILD_CONTEXT_LIMIT_MB: env.TRAINYARD_BUILD_CONTEXT_LIMIT_MB || undefined,
  });
  if (!parsed.success) {
    throw new ConfigError(
      `TRAINYARD_BUILD_CONTEXT_LIMIT_MB must be a whole number of megabytes, not "${env.TRAINYARD_BUILD_CONTEXT_LIMIT_MB}".`,
    );
  }
  const limitMb = parsed.data.TRAINYARD_BUILD_CONTEXT_LIMIT_MB;
  return new DockerImageBuilder({
    docker: opts.docker,
    log: opts.log.child({ component: 'image-builder' }),
    registry: opts.config.registry,
    contextLimitBytes: limitMb === undefined ? undefined : limitMb * 1024 * 1024,
    networkMode: opts.networkMode,
    env,
  });
}

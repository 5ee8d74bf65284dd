import type Docker from 'dockerode';
import { LABELS } from '../../../core/run/run-identity.ts';
import { readEngineStream } from '../../docker/build-stream.ts';
import { asSentence, engineMessage, engineStatus } from '../../docker/docker-engine.ts';
import { registryAuth } from '../../docker/registry-auth.ts';

export interface CreateRunContainerOptions {
  docker: Docker;
  options: Docker.ContainerCreateOptions;
  runId: string;
  /** TRAINYARD_REGISTRY, for credentials when the image has to be pulled from it. */
  registry?: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Creates a run's container, pulling the image first when the engine lacks it. The container's
 * name comes from the run id, so a name clash with a container carrying the same run label is the
 * run's own container (created before, by another path): it is returned as `existing`.
 */
export async function createRunContainer(
  opts: CreateRunContainerOptions,
): Promise<{ container: Docker.Container; existing: boolean }> {
  const { docker, options } = opts;
  for (let pulled = false; ; pulled = true) {
    try {
      return { container: await docker.createContainer(options), existing: false };
    } catch (err) {
      const status = engineStatus(err);
      if (status === 409) return { container: await ownContainer(opts), existing: true };
      if (status !== 404 || pulled) {
        throw new Error(
          asSentence(`The Docker engine refused to create the container: ${engineMessage(err)}`),
        );
      }
    }
    await pullImage(opts, options.Image ?? '');
  }
}

async function ownContainer(opts: CreateRunContainerOptions): Promise<Docker.Container> {
  const name = opts.options.name ?? '';
  const info = await opts.docker.getContainer(name).inspect();
  const owner = info.Config.Labels?.[LABELS.run];
  if (owner !== opts.runId) {
    const who = owner ? `run ${owner}` : 'something other than Trainyard';
    throw new Error(
      `A container named ${name} already exists and belongs to ${who}, so this run was not started; remove it (docker rm ${name}) or launch again.`,
    );
  }
  return opts.docker.getContainer(info.Id);
}

/** Pulls an image, with the registry's credentials when it comes from TRAINYARD_REGISTRY. */
async function pullImage(opts: CreateRunContainerOptions, image: string): Promise<void> {
  const { docker, registry } = opts;
  const auth = registry && image.startsWith(registry) ? await registryAuth(registry, opts.env) : undefined;
  let failure: string | undefined;
  try {
    const stream = await docker.pull(image, auth ? { authconfig: auth } : {});
    // A failed pull still answers 200; the failure is an error line in the stream.
    failure = (await readEngineStream(docker, stream)).error;
  } catch (err) {
    failure = engineMessage(err);
  }
  if (failure !== undefined)
    throw new Error(asSentence(`The image ${image} could not be pulled: ${failure}`));
}

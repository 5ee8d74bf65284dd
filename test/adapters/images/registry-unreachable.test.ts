/**
 * The registry hint is read from what the real engine says when no registry answers: a build
 * whose base image sits on a loopback port nothing listens on, and a docker-runtime run of such
 * an image. Both must carry the hint once the run service has seen them (withRegistryHint).
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, describe, test } from 'node:test';
import Docker from 'dockerode';
import { createDockerImageBuilder } from '../../../src/adapters/images/DockerImageBuilder.ts';
import { createDockerRuntime } from '../../../src/adapters/runtimes/docker/DockerRuntime.ts';
import { REGISTRY_HINT, withRegistryHint } from '../../../src/core/run/registry-hint.ts';
import { BuildError } from '../../../src/ports/image-builder.ts';
import { silentLogger } from '../../../src/shared/log.ts';
import { busyboxContext, dockerForTests, removeDir, uniqueName } from '../../support/docker-engine.ts';
import { makeRun } from '../../support/make-run.ts';
import { RecordingSink } from '../../support/recording-sink.ts';

const engine = await dockerForTests();
const skip = 'skip' in engine ? engine.skip : false;
const docker = 'docker' in engine ? engine.docker : new Docker();
const dirs: string[] = [];

after(async () => {
  for (const dir of dirs) await removeDir(dir);
});

/** A loopback port nothing listens on: a registry that cannot be reached, and no traffic leaves the machine. */
async function deadRegistry(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `127.0.0.1:${port}`;
}

describe('what the engine says when no registry answers', { skip }, () => {
  test('a build whose base image cannot be pulled fails with the hint', async () => {
    const context = await busyboxContext(`FROM ${await deadRegistry()}/base:1\nCOPY busybox /bin/busybox\n`);
    dirs.push(context);
    const builder = createDockerImageBuilder({
      config: {},
      log: silentLogger,
      docker,
      env: {},
      networkMode: 'none',
    });
    const failure = await builder
      .ensureImage(uniqueName('ty-noreg'), { context, dockerfile: 'Dockerfile', buildArgs: {} }, () => {})
      .then(
        () => assert.fail('the build should fail'),
        (err: unknown) => err,
      );
    assert.ok(failure instanceof BuildError);
    assert.equal(withRegistryHint(failure.message, 'docker'), `${failure.message} ${REGISTRY_HINT}`);
  });

  test('a docker run whose image cannot be pulled fails with the hint', async () => {
    const runtime = createDockerRuntime({ config: {}, log: silentLogger, docker, network: 'none' });
    await runtime.start(new RecordingSink());
    try {
      const run = makeRun(
        { number: 1 },
        { template: uniqueName('ty-noreg'), image: `${await deadRegistry()}/x:1` },
      );
      const failure = await runtime.submit(run).then(
        () => assert.fail('the submit should fail'),
        (err: unknown) => err as Error,
      );
      // As RunStarter reports it.
      const reason = `It could not be started: ${failure.message}`;
      assert.equal(withRegistryHint(reason, 'docker'), `${reason} ${REGISTRY_HINT}`);
    } finally {
      await runtime.close();
    }
  });
});

import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Docker from 'dockerode';
import { createDockerImageBuilder } from '../../../src/adapters/images/DockerImageBuilder.ts';
import type { BuildSpec } from '../../../src/core/run/run.ts';
import { BuildError, type BuildProgress } from '../../../src/ports/image-builder.ts';
import { silentLogger } from '../../../src/shared/log.ts';
import {
  BUSYBOX_DOCKERFILE,
  busyboxContext,
  dockerForTests,
  removeDir,
  removeImages,
  removeTemplateImages,
  uniqueName,
} from '../../support/docker-engine.ts';
import {
  type LocalRegistry,
  registryToolsMissing,
  startLocalRegistry,
} from '../../support/docker-registry.ts';

const engine = await dockerForTests();
const skip = 'skip' in engine ? engine.skip : false;
const docker = 'docker' in engine ? engine.docker : new Docker();

const templates = new Set<string>();
const dirs: string[] = [];
after(async () => {
  await removeTemplateImages(docker, templates);
  for (const dir of dirs) await removeDir(dir);
});

async function context(dockerfile: string, files?: Record<string, string>): Promise<BuildSpec> {
  const dir = await busyboxContext(dockerfile, files);
  dirs.push(dir);
  return { context: dir, dockerfile: 'Dockerfile', buildArgs: {} };
}

function builder(registry?: string, env: NodeJS.ProcessEnv = {}) {
  return createDockerImageBuilder({
    config: { registry },
    log: silentLogger,
    docker,
    env,
    networkMode: 'none',
  });
}

describe('DockerImageBuilder with a real engine', { skip }, () => {
  test('builds a FROM scratch image, reports steps, and reuses it the second time', async () => {
    const template = uniqueName('ty-cold');
    templates.add(template);
    const spec = await context(
      `${BUSYBOX_DOCKERFILE}ARG GREETING\nRUN ["/bin/busybox", "echo", "building"]\n`,
    );
    spec.buildArgs = { GREETING: 'hi' };
    const progress: BuildProgress[] = [];
    const tag = await builder().ensureImage(template, spec, (p) => progress.push(p));
    assert.match(tag, new RegExp(`^trainyard/${template}:[0-9a-f]{12}$`));
    const info = await docker.getImage(tag).inspect();
    assert.equal(info.Config.Labels?.['trainyard.io/template'], template);
    // Four Dockerfile steps plus the two label steps the builder adds.
    assert.ok(
      progress.some((p) => p.step === 4 && p.totalSteps === 6 && p.line.startsWith('Step 4/6 : RUN')),
    );
    assert.ok(progress.some((p) => p.step === 4 && p.line === 'building'));

    const again: BuildProgress[] = [];
    const second = await builder().ensureImage(template, spec, (p) => again.push(p));
    assert.equal(second, tag);
    assert.deepEqual(again, [], 'a cache hit runs no build steps');
  });

  test('concurrent requests for the same content share one build', async () => {
    const template = uniqueName('ty-shared');
    templates.add(template);
    const spec = await context(`${BUSYBOX_DOCKERFILE}RUN ["/bin/busybox", "echo", "once"]\n`);
    // Count the builds the engine is asked for, through a client that forwards to the real one.
    let builds = 0;
    const counting: Docker = Object.create(docker);
    counting.buildImage = ((...args: Parameters<Docker['buildImage']>) => {
      builds++;
      return docker.buildImage(...args);
    }) as Docker['buildImage'];
    const shared = createDockerImageBuilder({ config: {}, log: silentLogger, docker: counting, env: {} });
    const seen: BuildProgress[][] = [[], [], []];
    const tags = await Promise.all(
      seen.map((lines) => shared.ensureImage(template, spec, (p) => lines.push(p))),
    );
    assert.equal(new Set(tags).size, 1);
    assert.equal(builds, 1);
    for (const lines of seen)
      assert.ok(
        lines.some((p) => p.line.includes('RUN')),
        'every caller gets the progress',
      );
  });

  test('a failing Dockerfile rejects with BuildError carrying the last build lines', async () => {
    const template = uniqueName('ty-fail');
    templates.add(template);
    const spec = await context(
      `${BUSYBOX_DOCKERFILE}RUN ["/bin/busybox", "sh", "-c", "echo about to fail; exit 7"]\n`,
    );
    const err = await builder()
      .ensureImage(template, spec, () => {})
      .then(
        () => assert.fail('the build should fail'),
        (e: unknown) => e,
      );
    assert.ok(err instanceof BuildError);
    assert.match(err.message, new RegExp(`^The image build for ${template} failed: .*non-zero code: 7\\.$`));
    assert.ok(err.lastLines.includes('about to fail'), err.lastLines.join('\n'));
  });

  test('a missing context folder is one sentence', async () => {
    const err = await builder()
      .ensureImage(
        'ty-none',
        { context: '/nonexistent/ctx', dockerfile: 'Dockerfile', buildArgs: {} },
        () => {},
      )
      .catch((e: unknown) => e);
    assert.ok(err instanceof BuildError);
    assert.equal(
      err.message,
      "The build context folder /nonexistent/ctx does not exist; check the template's build.context.",
    );
  });

  test('a context over the limit is refused before anything is sent', async () => {
    const spec = await context(BUSYBOX_DOCKERFILE);
    const small = createDockerImageBuilder({
      config: {},
      log: silentLogger,
      docker,
      env: { TRAINYARD_BUILD_CONTEXT_LIMIT_MB: '1' },
    });
    await writeFile(join(spec.context, 'weights.bin'), Buffer.alloc(2 * 1024 * 1024));
    const err = await small.ensureImage('ty-big', spec, () => {}).catch((e: unknown) => e);
    assert.ok(err instanceof BuildError);
    assert.match(err.message, /is larger than the 1 MB limit; leave big files out with \.dockerignore/);
  });

  test('no engine answering is one sentence naming where it looked', async () => {
    const nowhere = new Docker({ socketPath: '/nonexistent/docker.sock' });
    const spec = await context(BUSYBOX_DOCKERFILE);
    const offline = createDockerImageBuilder({ config: {}, log: silentLogger, docker: nowhere, env: {} });
    const err = await offline.ensureImage('ty-offline', spec, () => {}).catch((e: unknown) => e);
    assert.ok(err instanceof BuildError);
    assert.equal(
      err.message,
      'No Docker engine answers at /var/run/docker.sock; start Docker or set DOCKER_HOST.',
    );
  });

  describe('with a local registry', { skip: skip ? false : registryToolsMissing() }, () => {
    let open: LocalRegistry;
    let locked: LocalRegistry;
    before(async () => {
      open = await startLocalRegistry();
      locked = await startLocalRegistry({ username: 'trainer', password: 'right-password' });
    });
    after(async () => {
      await open?.close();
      await locked?.close();
    });

    test('pushes a new image, and a rebuild-free second launch finds it in the registry', async () => {
      const template = uniqueName('ty-push');
      templates.add(template);
      const spec = await context(BUSYBOX_DOCKERFILE);
      const tag = await builder(open.address).ensureImage(template, spec, () => {});
      assert.ok(tag.startsWith(`${open.address}/${template}:`));
      const manifest = await fetch(
        `http://${open.address}/v2/${template}/manifests/${tag.split(':').at(-1)}`,
        {
          method: 'HEAD',
          headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' },
        },
      );
      assert.equal(manifest.status, 200);

      // Gone locally but present in the registry: not rebuilt.
      await removeImages(docker, [tag]);
      const progress: BuildProgress[] = [];
      assert.equal(await builder(open.address).ensureImage(template, spec, (p) => progress.push(p)), tag);
      assert.equal(
        progress.some((p) => p.line.startsWith('Step ')),
        false,
      );
    });

    test('pushes with credentials from the environment', async () => {
      const template = uniqueName('ty-auth');
      templates.add(template);
      const spec = await context(BUSYBOX_DOCKERFILE);
      const env = { TRAINYARD_REGISTRY_USERNAME: 'trainer', TRAINYARD_REGISTRY_PASSWORD: 'right-password' };
      const tag = await builder(locked.address, env).ensureImage(template, spec, () => {});
      const basic = Buffer.from('trainer:right-password').toString('base64');
      const manifest = await fetch(
        `http://${locked.address}/v2/${template}/manifests/${tag.split(':').at(-1)}`,
        {
          method: 'HEAD',
          headers: {
            authorization: `Basic ${basic}`,
            accept: 'application/vnd.docker.distribution.manifest.v2+json',
          },
        },
      );
      assert.equal(manifest.status, 200);
    });

    test('a registry that refuses the push is one sentence', async () => {
      const template = uniqueName('ty-refused');
      templates.add(template);
      const spec = await context(BUSYBOX_DOCKERFILE);
      const env = { TRAINYARD_REGISTRY_USERNAME: 'trainer', TRAINYARD_REGISTRY_PASSWORD: 'wrong-password' };
      const err = await builder(locked.address, env)
        .ensureImage(template, spec, () => {})
        .catch((e: unknown) => e);
      assert.ok(err instanceof BuildError);
      assert.match(
        err.message,
        new RegExp(`^Pushing ${locked.address}/${template}:[0-9a-f]{12} to the registry`),
      );
      assert.match(err.message, /failed: .*unauthorized.*\.$/i);
      assert.equal(err.message.split('\n').length, 1, err.message);
    });
  });
});

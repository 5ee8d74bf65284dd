import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Docker from 'dockerode';
import { createDockerImageBuilder } from '../../../../src/adapters/images/DockerImageBuilder.ts';
import {
  createDockerRuntime,
  DockerRuntime,
} from '../../../../src/adapters/runtimes/docker/DockerRuntime.ts';
import { demuxAll } from '../../../../src/adapters/runtimes/docker/log-frames.ts';
import type { Run } from '../../../../src/core/run/run.ts';
import { silentLogger } from '../../../../src/shared/log.ts';
import {
  BUSYBOX_DOCKERFILE,
  busyboxContext,
  dockerForTests,
  removeDir,
  removeTemplateImages,
  uniqueName,
} from '../../../support/docker-engine.ts';
import { registryToolsMissing, startLocalRegistry } from '../../../support/docker-registry.ts';
import { eventually } from '../../../support/eventually.ts';
import { makeRun } from '../../../support/make-run.ts';
import { RecordingSink } from '../../../support/recording-sink.ts';

const engine = await dockerForTests();
const skip = 'skip' in engine ? engine.skip : false;
const docker = 'docker' in engine ? engine.docker : new Docker();
const template = uniqueName('ty-runtime');

let image = '';
let contextDir = '';
const runtimes: DockerRuntime[] = [];
const runIds: string[] = [];

function newRuntime(): DockerRuntime {
  const runtime = createDockerRuntime({
    config: {},
    log: silentLogger,
    docker,
    network: 'none',
    stopGraceSeconds: 1,
  });
  runtimes.push(runtime);
  return runtime;
}

/** Resolves once the container's own log (read straight from the engine) holds `line`. */
async function untilLogged(containerId: string, line: string): Promise<void> {
  await eventually(
    `the container to print ${line}`,
    async () => {
      const reply = (await docker
        .getContainer(containerId)
        .logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
      return demuxAll(reply).split('\n').includes(line);
    },
    { everyMs: 50 },
  );
}

/** A run of the busybox image; `script` runs under busybox sh, passed as one literal argument. */
function busyboxRun(script: string, number: number): Run {
  const run = makeRun(
    { number, placement: undefined, state: 'pending' },
    {
      template,
      image,
      command: ['/bin/busybox', 'sh', '-c'],
      args: [script],
      env: { GREETING: 'hello world' },
    },
  );
  runIds.push(run.id);
  return run;
}

describe('DockerRuntime with a real engine', { skip }, () => {
  before(async () => {
    contextDir = await busyboxContext(BUSYBOX_DOCKERFILE);
    const builder = createDockerImageBuilder({ config: {}, log: silentLogger, docker, env: {} });
    image = await builder.ensureImage(
      template,
      { context: contextDir, dockerfile: 'Dockerfile', buildArgs: {} },
      () => {},
    );
  });

  after(async () => {
    for (const runtime of runtimes) await runtime.close();
    const left = await docker.listContainers({
      all: true,
      filters: { label: [`trainyard.io/template=${template}`] },
    });
    for (const c of left)
      await docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => {});
    await removeTemplateImages(docker, [template]);
    await removeDir(contextDir);
  });

  test('a run prints its lines to the sink and succeeds; its container carries the labels', async () => {
    const runtime = newRuntime();
    const sink = new RecordingSink();
    await runtime.start(sink);
    assert.equal(runtime.ready(), true);
    const run = busyboxRun('for i in 1 2 3; do echo "epoch $i/3 loss=0.5"; done; echo "$GREETING" >&2', 1);
    const placement = await runtime.submit(run);
    assert.match(placement.handle, /^[0-9a-f]{12}$/);
    const info = await docker.getContainer(placement.handle).inspect();
    assert.equal(info.Config.Labels['app.kubernetes.io/managed-by'], 'trainyard');
    assert.equal(info.Config.Labels['trainyard.io/run'], run.id);
    assert.equal(info.Config.Labels['trainyard.io/template'], template);
    assert.equal(info.Config.Labels['trainyard.io/launched-by'], 'U1');
    assert.equal(info.HostConfig.NetworkMode, 'none');

    await sink.ended(run.id);
    assert.deepEqual(sink.lines.get(run.id)?.slice().sort(), [
      'epoch 1/3 loss=0.5',
      'epoch 2/3 loss=0.5',
      'epoch 3/3 loss=0.5',
      'hello world',
    ]);
    assert.deepEqual(sink.statesOf(run.id), ['running', 'succeeded']);
    assert.equal(sink.last(run.id)?.exitCode, 0);
    await assert.rejects(docker.getContainer(placement.handle).inspect(), /no such container/i);
  });

  test('a non-zero exit fails the run with the code', async () => {
    const runtime = newRuntime();
    const sink = new RecordingSink();
    await runtime.start(sink);
    const run = busyboxRun('echo failing; exit 3', 2);
    await runtime.submit(run);
    await sink.ended(run.id);
    assert.deepEqual(sink.last(run.id), {
      state: 'failed',
      exitCode: 3,
      reason: 'The container exited with code 3.',
      at: sink.last(run.id)?.at,
    });
    assert.deepEqual(sink.lines.get(run.id), ['failing']);
  });

  test('stop ends a run that ignores SIGTERM after the grace period', async () => {
    const runtime = newRuntime();
    const sink = new RecordingSink();
    await runtime.start(sink);
    // As PID 1, busybox sh ignores SIGTERM unless it traps it, so only SIGKILL ends it.
    const run = busyboxRun('echo started; while true; do sleep 1; done', 3);
    await runtime.submit(run);
    await sink.until('the lines', () => (sink.lines.get(run.id) ?? []).includes('started'));
    await runtime.stop(run);
    await sink.ended(run.id);
    assert.equal(sink.last(run.id)?.state, 'stopped');
  });

  test('a run past its activeDeadlineSeconds is ended and fails with the deadline', async () => {
    const runtime = newRuntime();
    const sink = new RecordingSink();
    await runtime.start(sink);
    const run = busyboxRun('while true; do sleep 1; done', 8);
    run.spec.job.activeDeadlineSeconds = 1;
    await runtime.submit(run);
    await sink.ended(run.id);
    assert.equal(sink.last(run.id)?.state, 'failed');
    assert.equal(sink.last(run.id)?.reason, 'It ran past its deadline of 1 s (DeadlineExceeded).');
  });

  test('an image the engine lacks is pulled from the registry, with its credentials', {
    skip: skip ? false : registryToolsMissing(),
  }, async () => {
    const registry = await startLocalRegistry({ username: 'trainer', password: 'pw' });
    try {
      const env = { TRAINYARD_REGISTRY_USERNAME: 'trainer', TRAINYARD_REGISTRY_PASSWORD: 'pw' };
      const builder = createDockerImageBuilder({
        config: { registry: registry.address },
        log: silentLogger,
        docker,
        env,
      });
      const spec = { context: contextDir, dockerfile: 'Dockerfile', buildArgs: {} };
      const pushed = await builder.ensureImage(template, spec, () => {});
      await docker.getImage(pushed).remove({ force: true });

      const runtime = new DockerRuntime({
        docker,
        log: silentLogger,
        network: 'none',
        registry: registry.address,
        env,
      });
      runtimes.push(runtime);
      const sink = new RecordingSink();
      await runtime.start(sink);
      const run = busyboxRun('echo pulled', 7);
      run.spec.image = pushed;
      await runtime.submit(run);
      await sink.ended(run.id);
      assert.equal(sink.last(run.id)?.state, 'succeeded');
      assert.deepEqual(sink.lines.get(run.id), ['pulled']);
    } finally {
      await registry.close();
    }
  });

  test('a new runtime instance re-attaches to a running container and reports ended and missing ones', async () => {
    const first = newRuntime();
    const firstSink = new RecordingSink();
    await first.start(firstSink);
    const live = busyboxRun(
      'i=0; trap "echo bye; exit 0" TERM; while true; do i=$((i+1)); echo "tick $i"; sleep 0.2; done',
      4,
    );
    const done = busyboxRun('echo quick; exit 5', 5);
    live.placement = await first.submit(live);
    await firstSink.until('the lines', () => (firstSink.lines.get(live.id) ?? []).includes('tick 2'));
    await first.close();
    const before = firstSink.lines.get(live.id) ?? [];
    const containerId = live.placement.handle;
    // Lines printed while no runtime watches must arrive after the restart, and only they.
    await untilLogged(containerId, `tick ${before.length + 2}`);
    // Started behind the old instance's back, and ends while nobody watches.
    const doneContainer = await docker.createContainer({
      Image: image,
      Entrypoint: ['/bin/busybox', 'sh', '-c'],
      Cmd: ['echo quick; exit 5'],
      Labels: {
        'app.kubernetes.io/managed-by': 'trainyard',
        'trainyard.io/run': done.id,
        'trainyard.io/template': template,
      },
      HostConfig: { NetworkMode: 'none' },
    });
    await doneContainer.start();
    await doneContainer.wait();
    done.placement = { handle: doneContainer.id };
    const missing = busyboxRun('true', 6);
    missing.placement = { handle: 'gone' };

    const second = newRuntime();
    const sink = new RecordingSink();
    await second.start(sink);
    const building = busyboxRun('true', 9);
    await second.recover([{ ...live, logCursor: firstSink.cursors.get(live.id) }, done, missing, building]);

    await sink.ended(done.id);
    assert.deepEqual(
      { state: sink.last(done.id)?.state, exitCode: sink.last(done.id)?.exitCode },
      { state: 'failed', exitCode: 5 },
    );
    assert.deepEqual(sink.lines.get(done.id), ['quick'], 'its log is read before its end is reported');
    assert.equal(sink.last(missing.id)?.state, 'lost');
    assert.deepEqual(sink.statesOf(building.id), [], 'a run that never reached the engine is not lost');
    assert.equal(sink.last(live.id)?.state, 'running');

    await sink.until('the lines', () => (sink.lines.get(live.id) ?? []).length >= 2);
    await second.stop(live);
    await sink.ended(live.id);
    assert.equal(sink.last(live.id)?.state, 'stopped');
    const after = sink.lines.get(live.id) ?? [];
    assert.equal(after.at(-1), 'bye');
    const ticks = [...before, ...after.slice(0, -1)];
    assert.deepEqual(
      ticks,
      ticks.map((_, i) => `tick ${i + 1}`),
      'every line once, in order, across the restart',
    );
    assert.ok(
      after.includes(`tick ${before.length + 2}`),
      'the lines printed while no runtime watched arrived',
    );
    assert.equal(firstSink.uncursored + sink.uncursored, 0, 'every delivery carries a cursor');
  });
});

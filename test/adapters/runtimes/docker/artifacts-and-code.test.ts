import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Docker from 'dockerode';
import { createDockerImageBuilder } from '../../../../src/adapters/images/DockerImageBuilder.ts';
import {
  createDockerRuntime,
  type DockerRuntime,
} from '../../../../src/adapters/runtimes/docker/DockerRuntime.ts';
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
import { type GitRepo, makeGitRepo } from '../../../support/git-repo.ts';
import { makeRun } from '../../../support/make-run.ts';
import { RecordingSink } from '../../../support/recording-sink.ts';

const engine = await dockerForTests();
const skip = 'skip' in engine ? engine.skip : false;
const docker = 'docker' in engine ? engine.docker : new Docker();
const template = uniqueName('ty-artifacts');

describe('DockerRuntime: artifacts, inputs and code, bind-mounted from TRAINYARD_DATA', { skip }, () => {
  const data = mkdtempSync(join(tmpdir(), 'trainyard-docker-data-'));
  const sink = new RecordingSink();
  let runtime: DockerRuntime;
  let image = '';
  let contextDir = '';
  let repo: GitRepo;

  before(async () => {
    repo = makeGitRepo();
    contextDir = await busyboxContext(BUSYBOX_DOCKERFILE);
    const builder = createDockerImageBuilder({ config: {}, log: silentLogger, docker, env: {} });
    image = await builder.ensureImage(
      template,
      { context: contextDir, dockerfile: 'Dockerfile', buildArgs: {} },
      () => {},
    );
    runtime = createDockerRuntime({
      config: { dataDir: data },
      log: silentLogger,
      docker,
      network: 'none',
      stopGraceSeconds: 1,
    });
    await runtime.start(sink);
  });
  after(async () => {
    await runtime.close();
    await removeTemplateImages(docker, [template]);
    await removeDir(contextDir);
    rmSync(data, { recursive: true, force: true });
    rmSync(join(repo.dir, '..'), { recursive: true, force: true });
  });

  function run(id: string, script: string, extra: Partial<Run['spec']> = {}): Run {
    return makeRun(
      { id, state: 'pending' },
      { template, image, command: ['/bin/busybox', 'sh', '-c'], args: [script], ...extra },
    );
  }

  test('a run writes to /artifacts, kept in TRAINYARD_DATA/artifacts/<run id>/ after its container is gone', async () => {
    const producer = run(
      'r-dockerprod',
      'echo "$TRAINYARD_ARTIFACTS"; echo weights > "$TRAINYARD_ARTIFACTS/model.txt"',
    );
    await runtime.submit(producer);
    await sink.ended(producer.id);
    assert.equal(sink.last(producer.id)?.state, 'succeeded', JSON.stringify(sink.linesOf(producer.id)));
    assert.deepEqual(sink.linesOf(producer.id), ['/artifacts']);
    assert.equal(readFileSync(join(data, 'artifacts', producer.id, 'model.txt'), 'utf8'), 'weights\n');
  });

  test('a step reads what the runs it needs left, read-only, under /inputs/<step>/', async () => {
    const consumer = run(
      'r-dockercons',
      'cat "$TRAINYARD_INPUTS/prep/model.txt"; echo tamper > "$TRAINYARD_INPUTS/prep/model.txt" || echo "read-only"',
      { inputs: [{ path: 'prep', runId: 'r-dockerprod' }] },
    );
    await runtime.submit(consumer);
    await sink.ended(consumer.id);
    const lines = sink.linesOf(consumer.id);
    // stdout and stderr arrive in either order.
    assert.ok(lines.includes('weights'), JSON.stringify(lines));
    assert.ok(lines.includes('read-only'), JSON.stringify(lines));
    assert.ok(lines.some((l) => /Read-only file system/.test(l)));
    assert.equal(readFileSync(join(data, 'artifacts', 'r-dockerprod', 'model.txt'), 'utf8'), 'weights\n');
  });

  test('code from git is cloned on the host, mounted at /code (the working directory), its commit reported', async () => {
    const withCode = run('r-dockercode', 'pwd; /bin/busybox cat script.mjs', {
      code: { git: repo.url, ref: 'v1' },
    });
    await runtime.submit(withCode);
    assert.equal(sink.commits.get(withCode.id), repo.commits.feature);
    await sink.ended(withCode.id);
    assert.deepEqual(sink.linesOf(withCode.id), ['/code', "console.log('code from feature');"]);
  });
});

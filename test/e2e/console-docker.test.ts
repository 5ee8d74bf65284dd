/**
 * Leaving the console on the docker runtime, with the real engine: the compiled `trainyard
 * console` builds a FROM scratch busybox image and runs it as a container; `exit` (piped) and the
 * second Ctrl-C (on a terminal) must stop the container and record the run as stopped, not quit
 * and leave it running.
 */
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type Docker from 'dockerode';
import {
  BUSYBOX,
  BUSYBOX_DOCKERFILE,
  dockerForTests,
  removeDir,
  removeTemplateImages,
  uniqueName,
} from '../support/docker-engine.ts';
import { eventually } from '../support/eventually.ts';
import { storedRun } from '../support/live-file.ts';
import { ptyUnavailable, spawnInPty } from '../support/pty.ts';

const ROOT = join(import.meta.dirname, '../..');
const engine = await dockerForTests();
const skip = 'skip' in engine ? engine.skip : false;
const template = uniqueName('console-exit');
const folders: string[] = [];
const children = new Set<ChildProcessWithoutNullStreams>();
let templates = '';

/** A template whose container prints, then loops until it is stopped (SIGTERM ends it at once). */
async function writeTemplate(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'trainyard-console-docker-'));
  folders.push(dir);
  await mkdir(join(dir, template));
  await copyFile(BUSYBOX, join(dir, template, 'busybox'));
  await writeFile(join(dir, template, 'Dockerfile'), BUSYBOX_DOCKERFILE);
  await writeFile(
    join(dir, `${template}.yaml`),
    [
      'description: loops until stopped',
      'build: { context: ., dockerfile: Dockerfile }',
      'command: [/bin/busybox, sh, -c, "trap \'exit 0\' TERM; echo started; while :; do sleep 1; done"]',
      '',
    ].join('\n'),
  );
  return dir;
}

async function dataFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'trainyard-console-docker-data-'));
  folders.push(dir);
  return dir;
}

function env(data: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    USER: 'ann',
    TERM: 'xterm',
    DOCKER_HOST: process.env.DOCKER_HOST,
    TRAINYARD_RUNTIME: 'docker',
    // The engine here has no bridge network (dockerd --bridge=none); containers need none.
    TRAINYARD_DOCKER_NETWORK: 'none',
    TRAINYARD_TEMPLATES: templates,
    TRAINYARD_DATA: data,
  };
}

/** The containers of a run the engine still has running. */
async function runningContainers(docker: Docker, runId: string): Promise<number> {
  const found = await docker.listContainers({ filters: { label: [`trainyard.io/run=${runId}`] } });
  return found.length;
}

describe('leaving the console on the docker runtime', { skip, timeout: 180_000 }, () => {
  before(async () => {
    templates = await writeTemplate();
  });
  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    if ('docker' in engine) {
      const left = await engine.docker.listContainers({
        all: true,
        filters: { label: [`trainyard.io/template=${template}`] },
      });
      for (const c of left) await engine.docker.getContainer(c.Id).remove({ force: true });
      await removeTemplateImages(engine.docker, [template]);
    }
    for (const dir of folders) await removeDir(dir);
  });

  it('exit in piped commands stops the container and records the run as stopped', async () => {
    const docker = 'docker' in engine ? engine.docker : assert.fail();
    const data = await dataFolder();
    const child = spawn(process.execPath, [join(ROOT, 'bin/trainyard.mjs'), 'console'], {
      cwd: ROOT,
      env: env(data),
    });
    children.add(child);
    let stdout = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.resume();
    let code: number | null | undefined;
    child.on('close', (c) => (code = c));
    child.stdin.write(`${template}\n`);
    await eventually('the container to run', () => stdout.includes(`🏃 #1 ${template} running`), {
      timeoutMs: 60_000,
    });
    // The pipe stays open: `exit` alone ends the console.
    child.stdin.write('exit\n');
    await eventually('the console to end', () => code !== undefined);
    children.delete(child);
    assert.equal(code, 0, stdout);
    assert.match(stdout, new RegExp(`⏹️ @ann run #1 ${template} stopped`));
    const run = storedRun(data, 1);
    assert.equal(run.state, 'stopped');
    assert.equal(await runningContainers(docker, run.id), 0, 'no container left running');
  });

  it('the second Ctrl-C on a terminal stops the container and records the run as stopped', {
    skip: ptyUnavailable() ?? false,
  }, async () => {
    const docker = 'docker' in engine ? engine.docker : assert.fail();
    const data = await dataFolder();
    const session = spawnInPty([process.execPath, 'bin/trainyard.mjs', 'console'], {
      columns: 100,
      rows: 20,
      cwd: ROOT,
      env: env(data),
    });
    try {
      await eventually('the prompt', () => session.screen.text().includes('trainyard>'));
      assert.match(session.screen.text(), /jobs run on the docker runtime/);
      session.type(`${template}\r`);
      await eventually('the running card', () => session.screen.text().includes('Running'), {
        timeoutMs: 60_000,
      });
      session.type('\u0003');
      await eventually('the warning', () => session.screen.text().includes('still going'));
      session.type('\u0003');
      assert.equal(await session.exited, 0);
    } finally {
      session.kill();
    }
    const run = storedRun(data, 1);
    assert.equal(run.state, 'stopped');
    assert.equal(await runningContainers(docker, run.id), 0, 'no container left running');
  });
});

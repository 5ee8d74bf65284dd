import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { connectDocker, dockerAnswers, noEngineMessage } from '../../src/adapters/docker/docker-engine.ts';

/**
 * For tests that need a real Docker engine. Resolves to the client when one answers; to a
 * skip reason when none does; and throws when TRAINYARD_REQUIRE_DOCKER=1 (CI), so a missing
 * engine fails the run there instead of skipping silently.
 */
export async function dockerForTests(): Promise<{ docker: Docker } | { skip: string }> {
  const docker = connectDocker();
  if (await dockerAnswers(docker)) return { docker };
  if (process.env.TRAINYARD_REQUIRE_DOCKER === '1') {
    throw new Error(`TRAINYARD_REQUIRE_DOCKER=1 but: ${noEngineMessage()}`);
  }
  return { skip: `skipped: ${noEngineMessage()} (set TRAINYARD_REQUIRE_DOCKER=1 to fail instead)` };
}

export const BUSYBOX = '/bin/busybox';

/** A unique lowercase name, so parallel test files never share images or containers. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/**
 * A temporary build context holding busybox-static and the given Dockerfile (plus extra
 * files). Images start `FROM scratch` because no registry can be pulled from here.
 */
export async function busyboxContext(
  dockerfile: string,
  files: Record<string, string> = {},
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'trainyard-ctx-'));
  await copyFile(BUSYBOX, join(dir, 'busybox'));
  await writeFile(join(dir, 'Dockerfile'), dockerfile);
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  return dir;
}

export const BUSYBOX_DOCKERFILE = 'FROM scratch\nCOPY busybox /bin/busybox\n';

/** Removes every image built for the given templates (they carry `trainyard.io/template`). */
export async function removeTemplateImages(docker: Docker, templates: Iterable<string>): Promise<void> {
  for (const template of templates) {
    const found = await docker.listImages({ filters: { label: [`trainyard.io/template=${template}`] } });
    for (const image of found)
      await docker
        .getImage(image.Id)
        .remove({ force: true })
        .catch(() => {});
  }
}

/** Removes images by reference, ignoring ones already gone. */
export async function removeImages(docker: Docker, refs: Iterable<string>): Promise<void> {
  for (const ref of refs)
    await docker
      .getImage(ref)
      .remove({ force: true })
      .catch(() => {});
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

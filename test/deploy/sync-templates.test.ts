import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parse } from 'yaml';

const SCRIPT = new URL('../../deploy/sync-templates.sh', import.meta.url).pathname;
const run = promisify(execFile);

describe('deploy/sync-templates.sh', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'trainyard-sync-'));
    await mkdir(join(root, 'deploy', 'templates'), { recursive: true });
    await mkdir(join(root, 'manifests'));
    await copyFile(SCRIPT, join(root, 'deploy', 'sync-templates.sh'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const sync = () => run('sh', [join(root, 'deploy', 'sync-templates.sh')]);
  const kustomization = async () =>
    parse(await readFile(join(root, 'deploy', 'templates', 'kustomization.yaml'), 'utf8'));

  it('copies .yaml and .yml templates that name an image, skips those that build, and lists them', async () => {
    const image = 'image: busybox\ncommand: [sleep, "1"]\n';
    await writeFile(join(root, 'manifests', 'a.yaml'), image);
    await writeFile(join(root, 'manifests', 'b.yml'), image);
    await writeFile(join(root, 'manifests', 'c.yaml'), 'build: {}\ncommand: [x]\n');
    // Left over from an earlier sync: removed, whatever its extension.
    await writeFile(join(root, 'deploy', 'templates', 'old.yml'), image);

    const { stdout } = await sync();
    assert.match(stdout, /copied b\.yml/);
    assert.match(stdout, /skipped c\.yaml \(it builds its image/);
    const copied = (await readdir(join(root, 'deploy', 'templates'))).sort();
    assert.deepEqual(copied, ['a.yaml', 'b.yml', 'kustomization.yaml']);
    assert.deepEqual((await kustomization()).configMapGenerator[0].files, ['a.yaml', 'b.yml']);
  });

  it('copies a pipeline once every template its steps run is copied, and says which are missing', async () => {
    const image = 'image: busybox\ncommand: [sleep, "1"]\n';
    await writeFile(join(root, 'manifests', 'a.yaml'), image);
    await writeFile(join(root, 'manifests', 'built.yaml'), 'build: {}\ncommand: [x]\n');
    await writeFile(
      join(root, 'manifests', 'flow.yaml'),
      'steps:\n  one:\n    template: a\n  two: { template: a, needs: [one] }\n',
    );
    await writeFile(
      join(root, 'manifests', 'inline.yaml'),
      'steps:\n  one: { template: a }\n  two: { needs: [one], template: "b" }\n',
    );
    await writeFile(join(root, 'manifests', 'needs-build.yaml'), "steps:\n  one:\n    template: 'built'\n");
    const { stdout } = await sync();
    assert.match(stdout, /copied flow\.yaml \(a pipeline\)/);
    assert.match(
      stdout,
      /skipped needs-build\.yaml \(a pipeline whose steps run templates that are not copied: built\)/,
    );
    assert.match(
      stdout,
      /skipped inline\.yaml \(a pipeline whose steps run templates that are not copied: b\)/,
    );
    assert.deepEqual((await kustomization()).configMapGenerator[0].files, ['a.yaml', 'flow.yaml']);
  });

  it('writes a valid kustomization when nothing can run on the cluster', async () => {
    const { stdout } = await sync();
    assert.match(stdout, /no template can run on the cluster/);
    assert.deepEqual((await kustomization()).configMapGenerator[0].files, []);
  });
});

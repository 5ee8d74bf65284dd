import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { contentTag, hashContext, listContext } from '../../../src/adapters/images/context-hash.ts';
import type { BuildSpec } from '../../../src/core/run/run.ts';
import { BuildError } from '../../../src/ports/image-builder.ts';

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function contextWith(files: Record<string, string>): Promise<BuildSpec> {
  const dir = await mkdtemp(join(tmpdir(), 'trainyard-hash-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  return { context: dir, dockerfile: 'Dockerfile', buildArgs: {} };
}

const base = { Dockerfile: 'FROM scratch\n', 'train.py': 'print(1)\n', 'data/big.csv': 'a,b\n' };

describe('listContext', () => {
  test('lists kept files sorted, honouring .dockerignore, and always keeps the Dockerfile', async () => {
    const spec = await contextWith({
      ...base,
      '.dockerignore': 'data\n**/*.pyc\nDockerfile\n!data/keep.txt\n',
      'src/m.pyc': 'x',
      'data/keep.txt': 'kept',
    });
    await symlink('train.py', join(spec.context, 'link.py'));
    const entries = await listContext(spec);
    assert.deepEqual(
      entries.map((e) => e.path),
      ['.dockerignore', 'Dockerfile', 'data/keep.txt', 'link.py', 'train.py'],
    );
    assert.equal(entries.find((e) => e.path === 'link.py')?.linkTarget, 'train.py');
  });

  test('a missing folder or Dockerfile is a one-sentence BuildError', async () => {
    await assert.rejects(
      listContext({ context: '/nonexistent/x', dockerfile: 'Dockerfile', buildArgs: {} }),
      {
        name: 'BuildError',
        message:
          "The build context folder /nonexistent/x does not exist; check the template's build.context.",
      },
    );
    const spec = await contextWith({ 'train.py': '' });
    await assert.rejects(
      listContext(spec),
      /^BuildError: The Dockerfile Dockerfile was not found in the build context /,
    );
  });

  test('a context over the limit is refused; ignored files do not count', async () => {
    const spec = await contextWith({ ...base, 'weights.bin': 'x'.repeat(2000) });
    const err = await listContext(spec, 1000).catch((e: unknown) => e);
    assert.ok(err instanceof BuildError);
    assert.match(err.message, /is larger than the 1000 bytes limit/);
    await writeFile(join(spec.context, '.dockerignore'), '*.bin\n');
    assert.equal((await listContext(spec, 1000)).length, 4);
  });
});

describe('hashContext', () => {
  test('the same content gives the same hash wherever it lives', async () => {
    const a = await hashContext(await contextWith(base));
    const b = await hashContext(await contextWith(base));
    assert.equal(a.hash, b.hash);
    assert.match(a.hash, /^[0-9a-f]{64}$/);
  });

  test('content, names, modes, build args, target and Dockerfile path all change it', async () => {
    const spec = await contextWith(base);
    const first = (await hashContext(spec)).hash;
    const variants: Array<() => Promise<string>> = [
      async () => (await hashContext({ ...spec, buildArgs: { LR: '0.1' } })).hash,
      async () => (await hashContext({ ...spec, target: 'train' })).hash,
      async () => (await hashContext(await contextWith({ ...base, 'train.py': 'print(2)\n' }))).hash,
      async () => (await hashContext(await contextWith({ ...base, 'train2.py': 'print(1)\n' }))).hash,
      async () => {
        const other = await contextWith(base);
        await chmod(join(other.context, 'train.py'), 0o755);
        return (await hashContext(other)).hash;
      },
    ];
    const hashes = new Set([first]);
    for (const variant of variants) hashes.add(await variant());
    assert.equal(hashes.size, variants.length + 1);
  });

  test('changing an ignored file leaves the hash alone; un-ignoring it changes it', async () => {
    const spec = await contextWith({ ...base, '.dockerignore': 'data\n' });
    const before = (await hashContext(spec)).hash;
    await writeFile(join(spec.context, 'data/big.csv'), 'changed\n');
    assert.equal((await hashContext(spec)).hash, before);
    await writeFile(join(spec.context, '.dockerignore'), '# nothing ignored\n');
    assert.notEqual((await hashContext(spec)).hash, before);
  });
});

test('contentTag uses the registry or the trainyard/ prefix and 12 hex digits', () => {
  const hash = 'ab'.repeat(32);
  assert.equal(contentTag('resnet', hash), 'trainyard/resnet:abababababab');
  assert.equal(
    contentTag('ResNet_50', hash, 'reg.example.com/ml/'),
    'reg.example.com/ml/resnet_50:abababababab',
  );
});

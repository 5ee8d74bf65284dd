import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadTemplates } from '../../../src/adapters/templates/load-templates.ts';

describe('loadTemplates', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trainyard-templates-'));
    const ok = 'image: busybox\ncommand: [sleep, "1"]\n';
    await writeFile(join(dir, 'good.yaml'), ok);
    await writeFile(join(dir, 'also-good.yml'), ok);
    await writeFile(join(dir, 'broken.yaml'), 'image: busybox\ncommand: [x]\nimgae: y\n');
    await writeFile(join(dir, 'Bad_Name.yaml'), ok);
    await writeFile(join(dir, `${'x'.repeat(41)}.yaml`), ok);
    await writeFile(join(dir, 'twice.yaml'), ok);
    await writeFile(join(dir, 'twice.yml'), ok);
    await writeFile(join(dir, 'nobuild.yaml'), 'build: {}\ncommand: [x]\n');
    await writeFile(join(dir, 'built.yaml'), 'build: {}\ncommand: [x]\n');
    await mkdir(join(dir, 'built'));
    await writeFile(join(dir, 'built', 'Dockerfile'), 'FROM scratch\n');
    await writeFile(join(dir, 'nodockerfile.yaml'), 'build: {}\ncommand: [x]\n');
    await mkdir(join(dir, 'nodockerfile'));
    await writeFile(join(dir, 'README.md'), 'not a template');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('loads the good templates while broken ones report their problems', async () => {
    const catalog = await loadTemplates(dir);
    assert.deepEqual([...catalog.templates.keys()].sort(), ['also-good', 'built', 'good']);
    assert.deepEqual([...catalog.broken.keys()].sort(), [
      'Bad_Name',
      'broken',
      'nobuild',
      'nodockerfile',
      'twice',
      'x'.repeat(41),
    ]);
    assert.deepEqual(catalog.problems, []);
    assert.deepEqual(catalog.broken.get('broken'), [
      {
        file: join(dir, 'broken.yaml'),
        field: 'imgae',
        message:
          '"imgae" is not a known key here; allowed keys are description, params, image, build, command, args, env, resources, job, progress, objective, outputs, code.',
      },
    ]);
    assert.match(catalog.broken.get('Bad_Name')?.[0].message ?? '', /lowercase letters, digits and -/);
    assert.match(catalog.broken.get('x'.repeat(41))?.[0].message ?? '', /at most 40/);
    assert.match(
      catalog.broken.get('twice')?.[0].message ?? '',
      /Both twice.yaml and twice.yml define template twice/,
    );
    assert.equal(catalog.broken.get('nobuild')?.[0].field, 'build.context');
    assert.equal(catalog.broken.get('nodockerfile')?.[0].field, 'build.dockerfile');
  });

  it('gives a template its own folder when it has one, else the template folder itself', async () => {
    const catalog = await loadTemplates(dir);
    assert.equal(catalog.templates.get('built')?.dir, join(dir, 'built'));
    assert.equal(catalog.templates.get('built')?.file, join(dir, 'built.yaml'));
    assert.equal(catalog.templates.get('good')?.dir, dir);
  });

  it('reports a missing folder as a problem instead of throwing', async () => {
    const missing = join(dir, 'nope');
    const catalog = await loadTemplates(missing);
    assert.equal(catalog.templates.size, 0);
    assert.equal(catalog.problems?.length, 1);
    assert.equal(catalog.problems?.[0].file, missing);
    assert.match(
      catalog.problems?.[0].message ?? '',
      /cannot be read; create it or point TRAINYARD_TEMPLATES/,
    );
  });

  it('loads the shipped templates without problems', async () => {
    const catalog = await loadTemplates(new URL('../../../manifests', import.meta.url).pathname);
    assert.deepEqual(Object.fromEntries(catalog.broken), {});
    assert.deepEqual([...catalog.templates.keys()].sort(), ['demo', 'evaluate', 'prep', 'resnet', 'sleep']);
  });
});

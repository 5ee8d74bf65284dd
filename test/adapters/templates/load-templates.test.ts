import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadTemplates } from '../../../src/adapters/templates/load-templates.ts';
import { checkTemplates } from '../../../src/cli/commands/check.ts';

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
    assert.deepEqual([...(catalog.pipelines?.keys() ?? [])], ['demo-pipeline']);
  });
});

describe('loadTemplates with pipelines', () => {
  let dir: string;
  const template =
    'image: busybox\ncommand: [echo]\nparams:\n  n: { type: int, default: 1, min: 0, max: 9 }\n';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trainyard-pipelines-'));
    // Pipelines sort before the templates they run: they are read after every template anyway.
    await writeFile(join(dir, 'a-flow.yaml'), 'steps:\n  one: { template: work, params: { n: 2 } }\n');
    await writeFile(join(dir, 'work.yaml'), template);
    await writeFile(join(dir, 'bad.yaml'), 'image: busybox\ncommand: [x]\nimgae: y\n');
    await writeFile(
      join(dir, 'b-flow.yaml'),
      [
        'steps:',
        '  one: { template: work, params: { n: 12 } }',
        '  two: { template: bad, needs: [one] }',
        '  three: { template: wrok, needs: [nope] }',
        '',
      ].join('\n'),
    );
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('hands files with steps to the pipeline parser, after the templates', async () => {
    const catalog = await loadTemplates(dir);
    assert.deepEqual([...catalog.templates.keys()].sort(), ['work']);
    assert.deepEqual([...(catalog.pipelines?.keys() ?? [])], ['a-flow']);
    assert.deepEqual(
      catalog.pipelines?.get('a-flow')?.steps.map((s) => s.template),
      ['work'],
    );
    assert.deepEqual([...catalog.broken.keys()].sort(), ['b-flow', 'bad']);
  });

  it('reports each problem of a pipeline at steps.<step>.<field>, a broken step template with its own problem', async () => {
    const problems = (await loadTemplates(dir)).broken.get('b-flow') ?? [];
    const byField = Object.fromEntries(problems.map((p) => [p.field, p.message]));
    assert.match(byField['steps.one.params.n'], /n must be a whole number from 0 to 9, not "12"/);
    assert.equal(
      byField['steps.two.template'],
      'Template bad cannot be used until it is fixed: imgae: "imgae" is not a known key here; allowed keys are description, params, image, build, command, args, env, resources, job, progress, objective, outputs, code.',
    );
    assert.match(
      byField['steps.three.template'],
      /There is no template "wrok"; templates are work\. Did you mean "work"\?/,
    );
    assert.match(byField['steps.three.needs'], /There is no step "nope"/);
    assert.ok(problems.every((p) => p.file === join(dir, 'b-flow.yaml')));
  });

  it('records the sha256 of each template file, which changes with its text', async () => {
    const before = (await loadTemplates(dir)).templates.get('work')?.hash;
    assert.match(before ?? '', /^[0-9a-f]{64}$/);
    await writeFile(join(dir, 'work.yaml'), `${template}# a comment\n`);
    const after = (await loadTemplates(dir)).templates.get('work')?.hash;
    assert.notEqual(after, before);
    await writeFile(join(dir, 'work.yaml'), template);
    assert.equal((await loadTemplates(dir)).templates.get('work')?.hash, before);
  });

  it('lists the pipeline problems in trainyard check', async () => {
    const problems = await checkTemplates(dir);
    assert.ok(problems.some((p) => p.field === 'steps.two.template'));
  });
});

describe('loadTemplates from a ConfigMap mount', () => {
  let dir: string;
  const template = (seconds: number) => `image: busybox\ncommand: [sleep, "${seconds}"]\n`;

  /** The layout the kubelet writes for a ConfigMap volume, keys linked through `..data`. */
  async function mountConfigMap(root: string, files: Record<string, string>, stamp: string) {
    const real = join(root, `..${stamp}`);
    await mkdir(real);
    for (const [name, content] of Object.entries(files)) await writeFile(join(real, name), content);
    // Swapped atomically, as the kubelet does on an update: a new link renamed over the old one.
    await symlink(`..${stamp}`, join(root, '..data_tmp'));
    await rename(join(root, '..data_tmp'), join(root, '..data'));
    for (const name of Object.keys(files)) {
      await symlink(join('..data', name), join(root, name)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
    }
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trainyard-configmap-'));
    await mountConfigMap(
      dir,
      { 'demo.yaml': template(1), 'sleep.yml': template(2) },
      '2026_12_01_12_00_00.123456789',
    );
    // A key whose file is gone: a link to nothing.
    await symlink(join('..data', 'gone.yaml'), join(dir, 'gone.yaml'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('follows the links, skips the ..data bookkeeping and reports a broken link instead of crashing', async () => {
    const catalog = await loadTemplates(dir);
    assert.deepEqual([...catalog.templates.keys()].sort(), ['demo', 'sleep']);
    assert.deepEqual(catalog.templates.get('demo')?.raw.command, ['sleep', '1']);
    assert.deepEqual([...catalog.broken.keys()], ['gone']);
    assert.match(
      catalog.broken.get('gone')?.[0].message ?? '',
      /gone\.yaml is a link to a file that does not exist/,
    );
    assert.deepEqual(catalog.problems, []);
  });

  it('lists the broken link as a problem in trainyard check', async () => {
    const problems = await checkTemplates(dir);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].file, join(dir, 'gone.yaml'));
  });

  it('reads the new files after the kubelet swaps ..data', async () => {
    await mountConfigMap(
      dir,
      { 'demo.yaml': template(9), 'sleep.yml': template(2) },
      '2026_12_01_13_00_00.987654321',
    );
    const catalog = await loadTemplates(dir);
    assert.deepEqual(catalog.templates.get('demo')?.raw.command, ['sleep', '9']);
  });
});

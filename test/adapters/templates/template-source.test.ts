import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { loadTemplates } from '../../../src/adapters/templates/load-templates.ts';
import { createTemplateSource } from '../../../src/adapters/templates/template-source.ts';

const template = (seconds: number) => `image: busybox\ncommand: [sleep, "${seconds}"]\n`;

describe('createTemplateSource', () => {
  let dir: string;
  let parses: number;
  /** A source that looks at the folder on every call and counts how often it parses it. */
  const source = () =>
    createTemplateSource(dir, {
      maxAgeMs: -1,
      load: (d) => {
        parses++;
        return loadTemplates(d);
      },
    });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trainyard-source-'));
    parses = 0;
    await writeFile(join(dir, 'a.yaml'), template(1));
    await writeFile(join(dir, 'b.yaml'), template(2));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('does not parse an unchanged folder again', async () => {
    const templates = source();
    const first = await templates();
    for (let i = 0; i < 20; i++) assert.equal(await templates(), first);
    assert.equal(parses, 1);
    assert.equal(templates.latest(), first);
  });

  it('parses again when a file is edited, added or removed', async () => {
    const templates = source();
    await templates();
    await writeFile(join(dir, 'a.yaml'), template(10));
    assert.deepEqual((await templates()).templates.get('a')?.raw.command, ['sleep', '10']);
    assert.equal(parses, 2);
    await writeFile(join(dir, 'c.yaml'), template(3));
    assert.ok((await templates()).templates.has('c'));
    await rm(join(dir, 'b.yaml'));
    assert.ok(!(await templates()).templates.has('b'));
    assert.equal(parses, 4);
    await templates();
    assert.equal(parses, 4);
  });

  it("parses again when a template's folder appears (it becomes the template's working folder)", async () => {
    const templates = source();
    assert.equal((await templates()).templates.get('a')?.dir, dir);
    await mkdir(join(dir, 'a'));
    assert.equal((await templates()).templates.get('a')?.dir, join(dir, 'a'));
  });

  it('answers concurrent calls with one parse', async () => {
    const templates = source();
    await Promise.all(Array.from({ length: 10 }, () => templates()));
    assert.equal(parses, 1);
  });

  it('looks at the folder at most every maxAgeMs', async () => {
    let now = 0;
    const templates = createTemplateSource(dir, { maxAgeMs: 2000, now: () => now });
    await templates();
    await writeFile(join(dir, 'a.yaml'), template(10));
    now = 2000;
    assert.deepEqual((await templates()).templates.get('a')?.raw.command, ['sleep', '1']);
    now = 2001;
    assert.deepEqual((await templates()).templates.get('a')?.raw.command, ['sleep', '10']);
  });
});

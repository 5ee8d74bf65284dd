import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { templateFolderWarning } from '../../../src/adapters/templates/template-files.ts';

describe('templateFolderWarning', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trainyard-warning-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('names a missing folder and the variable to set', async () => {
    const warning = await templateFolderWarning(join(dir, 'nope'));
    assert.match(
      warning ?? '',
      /^The template folder .*nope does not exist .*; set TRAINYARD_TEMPLATES to .*\.$/,
    );
  });

  it('names an empty folder (folders and other files do not count) and the variable to set', async () => {
    await mkdir(join(dir, 'demo'));
    await writeFile(join(dir, 'README.md'), 'notes');
    const warning = await templateFolderWarning(dir);
    assert.match(warning ?? '', /holds no templates \(\*\.yaml\).*TRAINYARD_TEMPLATES/);
  });

  it('says nothing once there is a template', async () => {
    await writeFile(join(dir, 'x.yml'), 'image: busybox\n');
    assert.equal(await templateFolderWarning(dir), undefined);
  });
});

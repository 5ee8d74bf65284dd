/**
 * The README's console sample is what the demo prints: the compiled `trainyard console -e` is run
 * with the sample's command and its output compared line by line, with the run id and the seconds
 * left out. Which progress lines a run prints depends on timing (at most one a second), so
 * progress lines are left out on both sides; every other line is compared exactly, the notice in
 * its order.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';

const ROOT = join(import.meta.dirname, '../..');
// The sample is run from a folder of its own, with its data in ./data as in the README.
const cwd = mkdtempSync(join(tmpdir(), 'trainyard-readme-'));
after(() => rmSync(cwd, { recursive: true, force: true }));

/** The sample after "### Try it in the terminal": its command and the lines it shows. */
function readmeSample(): { args: string[]; lines: string[] } {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Try it in the terminal'));
  const block = /```text\n\$ npx trainyard console -e "([^"]+)"\n([\s\S]*?)```/.exec(section);
  assert.ok(block, 'the README has a console sample under "Try it in the terminal"');
  return { args: ['console', '-e', block[1]], lines: block[2].trimEnd().split('\n') };
}

/** Leaves out what changes from one run to the next: the run id and the seconds. */
const normalise = (line: string) => line.replace(/\br-[0-9a-z]+\b/g, 'r-ID').replace(/\b\d+s\b/g, 'Ns');
const isProgress = (line: string) => /^🏃 #\d+ \S+ running {2}epoch \d+\/\d+ /.test(line);

describe('the README console sample', { timeout: 60_000 }, () => {
  it('is what the demo prints', async () => {
    const sample = readmeSample();
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(ROOT, 'bin/trainyard.mjs'), ...sample.args],
      {
        cwd,
        env: { PATH: process.env.PATH, TRAINYARD_TEMPLATES: join(ROOT, 'manifests') },
      },
    );
    const printed = stdout.trimEnd().split('\n');
    const lines = (all: string[]) => all.filter((l) => !isProgress(l)).map(normalise);
    // The answer to the launch and the card's first lines race (the card follows the Job, the
    // answer follows the launch): the same lines, in either order, and the notice last.
    assert.deepEqual([...lines(printed)].sort(), [...lines(sample.lines)].sort());
    assert.deepEqual(lines(printed).slice(-7), lines(sample.lines).slice(-7));
  });
});

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readPngHeader } from '../support/png.ts';
import { ROOT, runTrainyard } from '../support/trainyard-cli.ts';
import { assertSafeTerminalText } from '../support/view-checks.ts';

const temp = mkdtempSync(join(tmpdir(), 'trainyard-console-charts-'));

/** The real `trainyard console -e`, piped, as a script would run it. */
const trainyard = (text: string, data: string) => runTrainyard(['console', '-e', text], { data });

describe('console charts (issue 14)', { timeout: 120_000 }, () => {
  after(() => rmSync(temp, { recursive: true, force: true }));

  it('prints a sparkline of each metric and the path of the saved PNG of a finished run', async () => {
    const data = join(temp, 'ok');
    const r = await trainyard('demo epochs=5 epoch_seconds=0', data);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\n {3}acc {3}[▁▂▃▄▅▆▇█]{5} {2}[\d.]+ → [\d.]+ \(5 points\)\n/);
    assert.match(r.stdout, /\n {3}loss {2}[▁▂▃▄▅▆▇█]{5} {2}[\d.]+ → [\d.]+ \(5 points\)\n/);
    const saved = /📈 chart: (\S+\.png)/.exec(r.stdout)?.[1];
    assert.ok(saved, r.stdout);
    const path = saved.startsWith('/') ? saved : join(ROOT, saved);
    assert.equal(path, join(data, 'charts', `${/as (r-[a-z0-9]+)[. ]/.exec(r.stdout)?.[1]}.png`));
    assert.deepEqual(readPngHeader(readFileSync(path)), {
      width: 960,
      height: 480,
      bitDepth: 8,
      colorType: 6,
      interlace: 0,
    });
    assertSafeTerminalText(r.stdout.split('\n'));
    assert.equal(r.stderr, '', 'no log noise');
  });

  it('says in one line why there is no picture when it cannot be saved, and still prints the sparklines', async () => {
    const data = join(temp, 'blocked');
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, 'charts'), 'a file where the folder would go');
    const r = await trainyard('demo epochs=3 epoch_seconds=0', data);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\n {3}loss {2}[▁▂▃▄▅▆▇█]{3} /);
    assert.match(
      r.stdout,
      /\n {3}\(Chart of run #1 \(demo\): no picture, it could not be saved in \S+charts \(.+\)\)\n/,
    );
    assert.ok(!existsSync(join(data, 'charts', 'x')));
  });

  it('/train chart answers with the sparklines and saves the picture again; too few points say why', async () => {
    const data = join(temp, 'ok');
    const r = await trainyard('chart 1', data);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /📈 chart: \S+\.png\n📈 #1 demo\n {3}acc /);
    const none = await trainyard('chart 7', data);
    assert.equal(none.code, 2);
    assert.match(none.stdout, /There is no run #7/);
  });
});

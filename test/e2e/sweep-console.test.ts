import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runTrainyard } from '../support/trainyard-cli.ts';

const data = mkdtempSync(join(tmpdir(), 'trainyard-sweep-console-'));

/** The real `trainyard console -e`, with local processes, as the "done when" runs it. */
const consoleE = (text: string) => runTrainyard(['console', '-e', text], { data });

describe('trainyard console -e "sweep …" with the process runtime', { timeout: 120_000 }, () => {
  after(() => rmSync(data, { recursive: true, force: true }));

  it('runs /train sweep demo lr=[0.01,0.1,1] epochs=[2,4] to its end and exits 0', async () => {
    const r = await consoleE('/train sweep demo lr=[0.01,0.1,1] epochs=[2,4] epoch_seconds=0.05');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^🧪 Started sweep #1 \(demo\)\.$/m);
    assert.match(r.stdout, /^🏁 @\S+ sweep #1 demo finished after 6 trials in \d+s\.$/m);
    assert.match(r.stdout, /^ {3}best: trial \d \(#\d\) acc [\d.]+ {2}lr=[\d.]+ epochs=[24]$/m);
    assert.match(r.stdout, /^ {3}rerun the best: \/train demo /m);
    // No card or notice per trial: the sweep speaks for them.
    assert.doesNotMatch(r.stdout, /Launched run|run #\d+ demo succeeded/);
    assert.equal(r.stderr, '');
    assert.equal(readdirSync(join(data, 'logs')).filter((f) => f.endsWith('.log')).length, 6);
  });

  it('exits 1 when no trial succeeds, and 2 on bad input with one sentence', async () => {
    const failed = await consoleE('sweep sleep seconds=[0.1,0.2] exit_code=3 --metric loss --goal min');
    assert.equal(failed.code, 1, failed.stderr);
    assert.match(failed.stdout, /sweep #\d+ sleep failed after 2 trials/);
    assert.match(failed.stdout, /no trial succeeded \(trial 1: The process exited with code 3\.\)/);
    const bad = await consoleE('sweep demo lr=loguniform(0,1)');
    assert.equal(bad.code, 2);
    assert.equal(
      bad.stdout.trim(),
      '⚠️  "lr=loguniform(0,1)" needs lo above 0, since a log scale never reaches 0; e.g. loguniform(0.0001,0.1).',
    );
  });

  it('lists the sweeps, and shows one by its number', async () => {
    const list = await consoleE('sweeps');
    assert.equal(list.code, 0);
    assert.match(list.stdout, /Sweep #1 demo/);
    const status = await consoleE('status 1');
    assert.equal(status.code, 0);
    assert.match(status.stdout, /Sweep #1 demo · Finished/);
    assert.match(status.stdout, /6 done · 0 running · 6 total/);
  });
});

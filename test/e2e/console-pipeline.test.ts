/**
 * The example pipeline end to end, the way a newcomer runs it: the real `trainyard` binary,
 * the console chat, the process runtime, the shipped templates. Every step's script really runs,
 * writes its artifacts and reads what the steps before it left.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runTrainyard } from '../support/trainyard-cli.ts';

const data = mkdtempSync(join(tmpdir(), 'trainyard-console-pipeline-'));

const trainyard = (args: string[], input = '') => runTrainyard(args, { data, input });

describe('trainyard console: the example pipeline', () => {
  after(() => rmSync(data, { recursive: true, force: true }));

  it('-e "demo-pipeline" runs every step to success and exits 0, with outputs and artifacts', async () => {
    const r = await trainyard(['console', '-e', 'demo-pipeline rows=200 epochs=3 epoch_seconds=0']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /🧩 Started pipeline #1 \(demo-pipeline\)\./);
    assert.match(r.stdout, /✅ @\S+ pipeline #1 demo-pipeline succeeded after/);
    assert.match(r.stdout, /eval #6: test_loss=[\d.]+ test_acc=[\d.]+/);
    assert.match(r.stdout, /prep #2: samples\.json \([\d.]+ kB\), test\.json/);
    assert.match(r.stdout, /train#3 #5: model\.json/);
    // Every run has its own artifacts folder; eval read prep's test data through its inputs.
    assert.equal(readdirSync(join(data, 'artifacts')).length, 5);
    const [evalRun] = readdirSync(join(data, 'runs')).filter((id) =>
      existsSync(join(data, 'runs', id, 'inputs', 'train')),
    );
    assert.ok(evalRun, 'the eval run has its inputs linked');
  });

  it('answers status, logs and lineage on the pipeline and its steps afterwards', async () => {
    const r = await trainyard(['console'], 'status 1\nlogs 1\nlineage 6\n');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /✅ pipeline #1 demo-pipeline {2}Succeeded/);
    assert.match(r.stdout, /✅ train · 3 runs: 3 succeeded · #3 #4 #5/);
    assert.match(r.stdout, /evaluating on 40 samples from .*inputs\/prep\/test\.json/);
    assert.match(r.stdout, /✅ #6 evaluate@[0-9a-f]{8} {2}weights=/);
    assert.match(r.stdout, /├─ ✅ #2 prep@[0-9a-f]{8} {2}rows=200 seed=7 test_fraction=0\.2/);
    assert.match(r.stdout, /pipeline #1 step train#2/);
  });

  it('refuses a bad launch with one sentence and exit 2', async () => {
    const r = await trainyard(['console', '-e', 'demo-pipeline rows=5']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout.trim(), '⚠️  rows must be a whole number from 10 to 100000, not "5".');
  });
});

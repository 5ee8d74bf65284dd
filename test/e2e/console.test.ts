import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT, runTrainyard } from '../support/trainyard-cli.ts';

const data = mkdtempSync(join(tmpdir(), 'trainyard-console-'));

/** Runs the real `trainyard` binary the way a user or a CI script would. */
const trainyard = (args: string[], input?: string) => runTrainyard(args, { data, input });

describe('trainyard console', () => {
  after(() => rmSync(data, { recursive: true, force: true }));

  it('-e runs the demo to success: exit 0, progress, metrics and a notice', async () => {
    const r = await trainyard(['console', '-e', '/train demo epochs=3 epoch_seconds=0.05']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Launched run #1 \(demo\)/);
    assert.match(r.stdout, /✅ @\S+ run #1 demo succeeded/);
    assert.match(r.stdout, /final: loss=[\d.]+ +acc=[\d.]+/);
    assert.equal(r.stderr, '', 'no log noise on the console by default');
    const logs = readdirSync(join(data, 'logs'));
    assert.equal(logs.length, 1);
    assert.match(readFileSync(join(data, 'logs', logs[0]), 'utf8'), /epoch 3\/3 loss=/);
  });

  it('-e exits 1 when the run fails, with the reason and the last lines', async () => {
    const r = await trainyard(['console', '-e', 'sleep seconds=0.1 exit_code=4']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /reason: The process exited with code 4\./);
    assert.match(r.stdout, /│ step 1\/1/);
  });

  it('-e exits 2 on bad input with one sentence and launches nothing', async () => {
    const r = await trainyard(['console', '-e', 'demo epochs=0']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout.trim(), '⚠️  epochs must be a whole number from 1 to 1000, not "0".');
    const list = await trainyard(['console', '-e', 'list']);
    assert.equal(list.code, 0);
    assert.doesNotMatch(list.stdout, /#3/);
  });

  it('reads commands from piped input and waits for what they started', async () => {
    const r = await trainyard(['console'], 'sleep seconds=0.2\nlist\nstatus 1\nhelp\n');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /✅ @\S+ run #\d+ sleep succeeded/);
    assert.match(r.stdout, /#1 demo/);
    assert.match(r.stdout, /\/train schedule "<cron>"/);
  });

  it('says what is wrong with the command line', async () => {
    const r = await trainyard(['console', '-x']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Usage: trainyard console/);
    const unknown = await trainyard(['strat']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown command "strat". Did you mean "start"\?/);
  });

  it('refuses to start on a store it cannot read, and leaves the file alone', async () => {
    const broken = mkdtempSync(join(tmpdir(), 'trainyard-broken-'));
    const file = join(broken, 'trainyard.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, '{ not json');
    const child = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const p = spawn(process.execPath, [join(ROOT, 'bin/trainyard.mjs'), 'console', '-e', 'list'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, TRAINYARD_RUNTIME: 'process', TRAINYARD_DATA: broken },
      });
      let stderr = '';
      p.stderr.on('data', (c) => (stderr += c));
      p.on('close', (code) => resolve({ code, stderr }));
    });
    assert.equal(child.code, 1);
    assert.match(child.stderr, /trainyard\.json/);
    assert.doesNotMatch(child.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(readFileSync(file, 'utf8'), '{ not json');
    rmSync(broken, { recursive: true, force: true });
  });
});

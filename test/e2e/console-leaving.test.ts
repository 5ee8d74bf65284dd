/**
 * Leaving the console without losing a run: the compiled `trainyard console` with its output read
 * by a reader that goes away early (as `| head` does), and with piped commands that say `exit`
 * while the pipe stays open.
 */
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { eventually } from '../support/eventually.ts';
import { storedRun, storedRuns } from '../support/live-file.ts';

const ROOT = join(import.meta.dirname, '../..');
const folders: string[] = [];
const children = new Set<ChildProcessWithoutNullStreams>();

after(() => {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

function dataFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'trainyard-leaving-'));
  folders.push(dir);
  return dir;
}

/** The real `trainyard` binary; `env` replaces the usual process-runtime settings where given. */
function trainyard(args: string[], data: string, env: NodeJS.ProcessEnv = { TRAINYARD_RUNTIME: 'process' }) {
  const child = spawn(process.execPath, [join(ROOT, 'bin/trainyard.mjs'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, USER: 'ann', TRAINYARD_DATA: data, ...env },
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

/** `console -e <text>` to its end: what it printed. */
async function once(data: string, text: string): Promise<string> {
  const run = trainyard(['console', '-e', text], data);
  run.child.stdin.end();
  await run.exited;
  return run.stdout();
}

/** Ends within the generous limit, or fails (and is killed by `after`). */
function ended(run: ReturnType<typeof trainyard>): Promise<number | null> {
  let code: number | null | undefined;
  void run.exited.then((c) => (code = c));
  return eventually('trainyard to end', () => code !== undefined && { code }).then((r) => r.code);
}

describe('leaving the console', { timeout: 120_000 }, () => {
  it('console -e … | head: the reader goes away, the run is stopped and kept, its number never reused', async () => {
    const data = dataFolder();
    const run = trainyard(['console', '-e', 'demo epochs=50 epoch_seconds=0.2'], data);
    run.child.stdin.end();
    // The reader takes the first line and goes away, as `head -1` does.
    await eventually('the first line', () => run.stdout().includes('\n'));
    run.child.stdout.destroy();
    assert.equal(await ended(run), 1, run.stderr());
    assert.doesNotMatch(run.stderr(), /EPIPE|\n\s+at /, 'no crash, no stack trace');
    assert.equal(storedRun(data, 1).state, 'stopped');
    assert.match(await once(data, 'demo epochs=1 epoch_seconds=0'), /Launched run #2 \(demo\)/);
  });

  it('exit in piped commands stops the runs and quits at once, while the pipe stays open', async () => {
    const data = dataFolder();
    const run = trainyard(['console'], data);
    run.child.stdin.write('sleep seconds=600\nexit\n');
    assert.equal(await ended(run), 0, run.stderr());
    assert.match(run.stdout(), /⏹️ @ann run #1 sleep stopped after \d+s\./);
    assert.match(run.stdout(), /reason: stopped by @ann\. The console was closed while it ran\./);
    run.child.stdin.destroy();
    assert.equal(storedRun(data, 1).state, 'stopped');
  });

  it('the end of piped commands lets their runs finish', async () => {
    const data = dataFolder();
    const run = trainyard(['console'], data);
    run.child.stdin.end('sleep seconds=0.2\n');
    assert.equal(await ended(run), 0, run.stderr());
    assert.match(run.stdout(), /✅ @ann run #1 sleep succeeded/);
  });

  it('Ctrl-C during console -e stops the run, keeps it, and says how it went', async () => {
    const data = dataFolder();
    const run = trainyard(['console', '-e', 'sleep seconds=600'], data);
    run.child.stdin.end();
    await eventually('the run to start', () => run.stdout().includes('🏃 #1 sleep running'));
    run.child.kill('SIGINT');
    assert.equal(await ended(run), 1, run.stderr());
    assert.match(run.stdout(), /⏹️ @ann run #1 sleep stopped/);
    assert.equal(storedRun(data, 1).state, 'stopped');
  });

  it('Ctrl-C during console -e of a sweep stops the sweep, so that it starts no further trial', async () => {
    const data = dataFolder();
    // More trials than rounds of stopping runs: only a stopped sweep ends before its trials run out.
    const seconds = Array.from({ length: 8 }, (_, i) => 600 + i).join(',');
    const run = trainyard(
      ['console', '-e', `sweep sleep seconds=[${seconds}] --parallel 1 --metric loss --goal min`],
      data,
    );
    run.child.stdin.end();
    // The live file is read as the bot writes it: a file not there yet is no trial yet.
    const trialRunning = () => {
      try {
        return storedRuns(data).some((r) => r.state === 'running');
      } catch {
        return false;
      }
    };
    await eventually('the first trial to run', trialRunning);
    run.child.kill('SIGINT');
    assert.equal(await ended(run), 1, run.stderr());
    assert.match(run.stdout(), /⏹️ @ann sweep #1 sleep was stopped after 1 trial/);
    assert.deepEqual(
      storedRuns(data).map((r) => r.state),
      ['stopped'],
    );
  });

  it('uses the process runtime when TRAINYARD_RUNTIME is not set, and says so', async () => {
    const data = dataFolder();
    // No TRAINYARD_RUNTIME and no kubeconfig: `auto` would pick the Docker engine this machine has.
    const run = trainyard(['console', '-e', 'demo epochs=2 epoch_seconds=0 --gpu 1'], data, { HOME: data });
    run.child.stdin.end();
    assert.equal(await ended(run), 0, run.stdout() + run.stderr());
    assert.match(run.stdout(), /Launched run #1 \(demo\) as r-[a-z0-9]+ on the process runtime\./);
    assert.match(
      run.stdout(),
      /⚠ The process runtime reserves no GPUs, so the 1 GPU this run asks for is not set aside for it\./,
    );
  });
});

/**
 * TRAINYARD_RUNTIME=kubernetes on a machine with no cluster configured: the real `trainyard`
 * process says so in one sentence and refuses to start, instead of quietly talking to
 * http://localhost:8080 and failing later.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const home = mkdtempSync(join(tmpdir(), 'trainyard-nokube-'));
let started = 0;

function trainyard(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, ['bin/trainyard.mjs', ...args], {
    env: {
      PATH: process.env.PATH,
      HOME: home,
      NODE_ENV: 'test',
      // One data folder each: a second bot on one folder is refused.
      TRAINYARD_DATA: join(home, `data-${++started}`),
      TRAINYARD_TEMPLATES: 'manifests',
      TRAINYARD_RUNTIME: 'kubernetes',
      PORT: '0',
      HOST: '127.0.0.1',
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  // Before the fix it started anyway and retried localhost:8080 forever: give up on it then.
  const limit = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(limit);
      resolve({ code, stderr, stdout });
    }),
  );
}

describe('TRAINYARD_RUNTIME=kubernetes without a kubeconfig or in-cluster account', () => {
  after(() => rmSync(home, { recursive: true, force: true }));

  it('`trainyard start` and `console` say where they looked, in one sentence, and exit 1', async () => {
    const missing = join(home, 'nowhere', 'kubeconfig');
    // Started together: each is a whole process start.
    const [start, console, named] = await Promise.all([
      trainyard(['start'], {}),
      trainyard(['console', '-e', 'list'], {}),
      trainyard(['start'], { KUBECONFIG: missing }),
    ]);
    for (const { code, stderr, stdout } of [start, console]) {
      assert.equal(code, 1, stdout + stderr);
      assert.equal(
        stderr,
        `No kubeconfig or in-cluster service account was found for TRAINYARD_RUNTIME=kubernetes (looked at ${join(home, '.kube', 'config')} and the in-cluster service account token /var/run/secrets/kubernetes.io/serviceaccount/token); set KUBECONFIG to a kubeconfig file, run Trainyard inside the cluster, or set TRAINYARD_RUNTIME to docker or process.\n`,
      );
      assert.doesNotMatch(stdout + stderr, /localhost:8080/);
    }
    // The KUBECONFIG it was given, when that file does not exist.
    assert.equal(named.code, 1);
    assert.match(
      named.stderr,
      new RegExp(
        `^No kubeconfig or in-cluster service account was found .*\\(looked at KUBECONFIG=${missing}\\);`,
      ),
    );
    assert.equal(named.stderr.trim().split('\n').length, 1, 'one line, no stack trace');
  });
});

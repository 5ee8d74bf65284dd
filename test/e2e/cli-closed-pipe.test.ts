/**
 * The one-shot commands of the compiled `trainyard` with a reader that has already gone away, as
 * `trainyard templates | head -1` leaves it once head has its line: the output simply ends, with no
 * EPIPE stack trace on the terminal and the exit code the command would have had.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '../..');
const PIPELINES = join(ROOT, 'test/fixtures/pipeline-templates');

/** Runs `trainyard <args>` whose stdout reader closes before the first line arrives. */
function withReaderGone(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [join(ROOT, 'bin/trainyard.mjs'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, TRAINYARD_TEMPLATES: join(ROOT, 'manifests'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The read end is closed before the child has started: its first write meets a closed pipe.
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stderr })),
  );
}

describe('one-shot commands whose reader went away', { timeout: 60_000 }, () => {
  const cases: [string, string[], NodeJS.ProcessEnv?][] = [
    ['templates', ['templates']],
    ['check', ['check']],
    ['render', ['render', 'relay rows=50'], { TRAINYARD_TEMPLATES: PIPELINES }],
    ['slack-manifest', ['slack-manifest']],
  ];
  for (const [name, args, env] of cases) {
    it(`${name}: ends quietly with its own exit code`, async () => {
      const { code, stderr } = await withReaderGone(args, env);
      assert.doesNotMatch(stderr, /EPIPE|\n\s+at /, 'no crash, no stack trace');
      assert.equal(code, 0, stderr);
    });
  }
});

/**
 * `TRAINYARD_RUNTIME=docker` where no Docker engine answers, with the compiled `trainyard`: the
 * console and `start` with Slack stop with the one sentence that says so, as the Kubernetes
 * runtime does for a missing kubeconfig, not with "an unexpected error" and a stack trace.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FakeSlackApi } from '../support/slack-api.ts';

const ROOT = join(import.meta.dirname, '../..');
const temp = mkdtempSync(join(tmpdir(), 'trainyard-no-docker-'));
const NO_ENGINE = `unix://${join(temp, 'no-docker.sock')}`;
const SENTENCE = `No Docker engine answers at ${NO_ENGINE}; start Docker or set DOCKER_HOST.\n`;

function trainyard(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [join(ROOT, 'bin/trainyard.mjs'), ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      TRAINYARD_RUNTIME: 'docker',
      DOCKER_HOST: NO_ENGINE,
      TRAINYARD_DATA: join(temp, 'data'),
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
}

describe('the docker runtime with no engine answering', { timeout: 60_000 }, () => {
  let slack: FakeSlackApi;
  before(async () => {
    slack = await FakeSlackApi.start({ token: 'xoxb-no-docker' });
  });
  after(async () => {
    await slack.close();
    rmSync(temp, { recursive: true, force: true });
  });

  it('console -e says there is no engine in one sentence and exits 1', async () => {
    const { code, stderr } = await trainyard(['console', '-e', 'list'], {});
    assert.equal(stderr, SENTENCE);
    assert.equal(code, 1);
  });

  it('start with Slack says the same and exits 1', async () => {
    const { code, stderr } = await trainyard(['start'], {
      SLACK_BOT_TOKEN: 'xoxb-no-docker',
      SLACK_SIGNING_SECRET: 'no-docker-secret',
      SLACK_API_URL: slack.apiUrl,
    });
    assert.doesNotMatch(stderr, /unexpected|\n\s+at |"stack"/, 'no stack trace');
    assert.ok(stderr.endsWith(SENTENCE), stderr);
    assert.equal(code, 1);
  });
});

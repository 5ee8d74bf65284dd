import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = new URL('../..', import.meta.url).pathname;

/** A loopback port nothing listens on: a Slack that cannot be reached. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('trainyard start and signals (end to end)', { timeout: 60_000 }, () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`stops on ${signal} while Socket Mode cannot reach Slack, after saying once what cannot be reached`, async () => {
      const data = await mkdtemp(join(tmpdir(), 'trainyard-signals-'));
      const apiUrl = `http://127.0.0.1:${await deadPort()}/api/`;
      const child = spawn(process.execPath, ['bin/trainyard.mjs', 'start'], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          NODE_ENV: 'test',
          SLACK_BOT_TOKEN: 'xoxb-unreachable',
          SLACK_APP_TOKEN: 'xapp-unreachable',
          SLACK_API_URL: apiUrl,
          PORT: '0',
          HOST: '127.0.0.1',
          TRAINYARD_RUNTIME: 'process',
          TRAINYARD_DATA: data,
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      await new Promise<void>((resolve, reject) => {
        child.stderr?.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (stderr.includes('Slack cannot be reached')) resolve();
        });
        void exited.then(() => reject(new Error(`trainyard start exited early:\n${stderr}`)));
      });
      child.kill(signal);
      assert.equal(await exited, 0);
      const said = stderr.split('\n').filter((l) => l.includes('Slack cannot be reached'));
      assert.equal(said.length, 1, 'said once');
      assert.ok(said[0].includes(apiUrl), 'names what cannot be reached');
      assert.match(stderr, /"msg":"shutting down"/);
      assert.ok(
        !stderr.includes('xapp-unreachable') && !stderr.includes('xoxb-unreachable'),
        'no token in the log',
      );
      await rm(data, { recursive: true, force: true });
    });
  }
});

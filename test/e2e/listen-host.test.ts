/**
 * HOST everywhere: the compiled `trainyard start` in each chat mode, asked (through Linux's /proc)
 * which addresses it listens on. The console chat keeps /metrics on this machine unless HOST says
 * otherwise; Slack (HTTP and Socket Mode) listens where HOST says.
 */
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { eventually } from '../support/eventually.ts';
import { listeningAddresses, procNetUnavailable } from '../support/listening-sockets.ts';

const ROOT = join(import.meta.dirname, '../..');
const folders: string[] = [];
const children = new Set<ChildProcessWithoutNullStreams>();

after(() => {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** A loopback port nothing listens on: a Slack that cannot be reached. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts `trainyard start` with `env` and resolves with the addresses it listens on, once it does. */
async function listensOn(env: NodeJS.ProcessEnv): Promise<string[]> {
  const data = mkdtempSync(join(tmpdir(), 'trainyard-host-'));
  folders.push(data);
  const child = spawn(process.execPath, [join(ROOT, 'bin/trainyard.mjs'), 'start'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, PORT: '0', TRAINYARD_RUNTIME: 'process', TRAINYARD_DATA: data, ...env },
  });
  children.add(child);
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  child.stdout.resume();
  try {
    return await eventually(`trainyard start to listen (${stderr})`, () => {
      const found = child.pid ? listeningAddresses(child.pid) : [];
      return found.length ? found : undefined;
    });
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('close', resolve));
    children.delete(child);
  }
}

const onlyLoopback = (addresses: string[]) =>
  assert.ok(
    addresses.every((a) => a.startsWith('127.0.0.1:')),
    `listens beyond this machine: ${addresses.join(', ')}`,
  );

describe('HOST', { skip: procNetUnavailable() ?? false, timeout: 120_000 }, () => {
  it('the console chat serves /metrics on 127.0.0.1 when HOST is not set', async () => {
    onlyLoopback(await listensOn({}));
  });

  it('Socket Mode serves health and metrics on HOST', async () => {
    const apiUrl = `http://127.0.0.1:${await deadPort()}/api/`;
    onlyLoopback(
      await listensOn({
        SLACK_BOT_TOKEN: 'xoxb-host',
        SLACK_APP_TOKEN: 'xapp-host',
        SLACK_API_URL: apiUrl,
        HOST: '127.0.0.1',
      }),
    );
  });

  it('HTTP mode listens on HOST', async () => {
    const apiUrl = `http://127.0.0.1:${await deadPort()}/api/`;
    onlyLoopback(
      await listensOn({
        SLACK_BOT_TOKEN: 'xoxb-host',
        SLACK_SIGNING_SECRET: 'host-secret',
        SLACK_API_URL: apiUrl,
        HOST: '127.0.0.1',
      }),
    );
  });
});

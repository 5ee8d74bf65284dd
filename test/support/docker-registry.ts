import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './eventually.ts';

/**
 * Debian's `docker-registry` (distribution) on 127.0.0.1, with a config written here:
 * storage in a temporary folder and, when credentials are given, an htpasswd file.
 * The engine trusts plain HTTP on 127.0.0.0/8, so pushes need no TLS.
 */
export interface LocalRegistry {
  /** `127.0.0.1:<port>`, usable as TRAINYARD_REGISTRY. */
  address: string;
  close(): Promise<void>;
}

/**
 * A skip reason when `docker-registry` or `htpasswd` is not installed (Debian packages
 * docker-registry and apache2-utils); throws instead when TRAINYARD_REQUIRE_DOCKER=1.
 */
export function registryToolsMissing(): string | false {
  const missing = ['docker-registry', 'htpasswd'].filter((tool) => {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length === 0) return false;
  const reason = `${missing.join(' and ')} not installed (apt-get install docker-registry apache2-utils)`;
  if (process.env.TRAINYARD_REQUIRE_DOCKER === '1')
    throw new Error(`TRAINYARD_REQUIRE_DOCKER=1 but ${reason}`);
  return `skipped: ${reason}`;
}

export async function startLocalRegistry(credentials?: {
  username: string;
  password: string;
}): Promise<LocalRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'trainyard-registry-'));
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  let auth = '';
  if (credentials) {
    const line = execFileSync('htpasswd', ['-nbB', credentials.username, credentials.password], {
      encoding: 'utf8',
    });
    await writeFile(join(dir, 'htpasswd'), line.trim() + '\n');
    auth = `auth:\n  htpasswd:\n    realm: trainyard-test\n    path: ${join(dir, 'htpasswd')}\n`;
  }
  const config = [
    'version: 0.1',
    'log:',
    '  level: error',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    'http:',
    `  addr: ${address}`,
    auth,
  ].join('\n');
  await writeFile(join(dir, 'config.yml'), config);
  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.once('error', () => {});
  await waitUntilServing(address, child);
  return {
    address,
    async close() {
      child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitUntilServing(address: string, child: ChildProcess): Promise<void> {
  const answers = async () => {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with code ${child.exitCode}`);
    return fetch(`http://${address}/v2/`).then(
      () => true,
      () => false,
    );
  };
  await eventually(`docker-registry to answer on ${address}`, answers, {
    timeoutMs: 10_000,
    everyMs: 100,
  }).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

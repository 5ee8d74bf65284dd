import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** The repository, whose compiled `bin/trainyard.mjs` the end-to-end tests run. */
export const ROOT = join(import.meta.dirname, '../..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `trainyard` binary to its end the way a user or a CI script would: piped output,
 * local processes for jobs, its state in `data`, health served on a free loopback port.
 */
export function runTrainyard(
  args: string[],
  opts: { data: string; input?: string; env?: Record<string, string> },
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/trainyard.mjs'), ...args], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TRAINYARD_RUNTIME: 'process',
        TRAINYARD_DATA: opts.data,
        PORT: '0',
        HOST: '127.0.0.1',
        ...opts.env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.stdin.end(opts.input ?? '');
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

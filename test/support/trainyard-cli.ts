import { type ChildProcess, spawn } from 'node:child_process';
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

export interface SlackBot {
  child: ChildProcess;
  /** Where Slack's deliveries and the health probes go: `http://127.0.0.1:<port>`. */
  base: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/**
 * The real `trainyard start` with Slack over HTTP, as an operator runs it: resolves once it says
 * where it listens for Slack's events. `env` adds the Slack settings, runtime and data folder.
 */
export async function startSlackBot(env: Record<string, string>): Promise<SlackBot> {
  const child = spawn(process.execPath, ['bin/trainyard.mjs', 'start'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<string>((resolve, reject) => {
    const check = () => {
      const listening = /"msg":"slack listening for events".*?"port":(\d+)/.exec(stderr);
      if (listening) resolve(listening[1]);
    };
    child.stderr?.on('data', check);
    void exited.then(() => reject(new Error(`trainyard start exited early:\n${stderr}`)));
  });
  return { child, base: `http://127.0.0.1:${port}`, stderr: () => stderr, exited };
}

/**
 * Trainyard's environment for Slack over HTTP (a fake Slack's Web API) and the Kubernetes
 * runtime, listening on a free loopback port. `kubeconfig` for a child process; a bot in this
 * process reads KUBECONFIG from the process's own environment.
 */
export function slackOnClusterEnv(opts: {
  slackApiUrl: string;
  token: string;
  secret: string;
  data: string;
  templates: string;
  kubeconfig?: string;
}): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: opts.token,
    SLACK_SIGNING_SECRET: opts.secret,
    SLACK_API_URL: opts.slackApiUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    TRAINYARD_RUNTIME: 'kubernetes',
    TRAINYARD_DATA: opts.data,
    TRAINYARD_TEMPLATES: opts.templates,
    ...(opts.kubeconfig ? { KUBECONFIG: opts.kubeconfig } : {}),
  };
}

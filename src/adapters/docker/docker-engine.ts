import { createRequire } from 'node:module';
import type Docker from 'dockerode';

// dockerode (with ssh2, gRPC and protobufjs: ~0.3 s and ~25 MB) loads on the first connect, so a
// bot on Kubernetes that never builds an image never loads it. It is CommonJS, so this require
// returns the very module an `import` would.
const require = createRequire(import.meta.url);

/** Where the Docker engine is expected, for messages: DOCKER_HOST or the local socket. */
function engineAddress(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_HOST || '/var/run/docker.sock';
}

/** The one sentence users see when no engine answers. */
export function noEngineMessage(env: NodeJS.ProcessEnv = process.env): string {
  return `No Docker engine answers at ${engineAddress(env)}; start Docker or set DOCKER_HOST.`;
}

/** A client for the engine at DOCKER_HOST (dockerode reads it) or the local socket. */
export function connectDocker(): Docker {
  const Dockerode = require('dockerode') as typeof Docker;
  return new Dockerode();
}

/** True when the engine answers a ping within the timeout (used by TRAINYARD_RUNTIME=auto). */
export async function dockerAnswers(docker: Docker = connectDocker(), timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((done) => {
    timer = setTimeout(() => done(false), timeoutMs);
  });
  try {
    return await Promise.race([
      docker.ping().then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The HTTP status dockerode attaches to engine errors, if any. */
export function engineStatus(err: unknown): number | undefined {
  const code = (err as { statusCode?: unknown })?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** The engine's own message from an error reply (`{"message": ...}`), without dockerode's prefix. */
export function engineMessage(err: unknown): string {
  const json = (err as { json?: { message?: unknown } })?.json;
  if (json && typeof json.message === 'string') return json.message;
  return err instanceof Error ? err.message : String(err);
}

/** Engine messages come without a final stop and sometimes with line breaks; users get one sentence. */
export function asSentence(text: string): string {
  const trimmed = text.trim().replace(/\s+/g, ' ');
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

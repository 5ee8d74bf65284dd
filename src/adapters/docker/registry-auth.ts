import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/** What the engine's push/pull/distribution endpoints take as X-Registry-Auth. */
export interface RegistryAuth {
  serveraddress: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

const DockerConfigFile = z.object({
  auths: z
    .record(
      z.string(),
      z.object({ auth: z.string().optional(), identitytoken: z.string().optional() }).loose(),
    )
    .optional(),
});

/** `registry.example.com/team` → `registry.example.com`. */
export function registryHost(registry: string): string {
  return registry.replace(/^[a-z]+:\/\//i, '').split('/')[0];
}

/**
 * Credentials for a registry: TRAINYARD_REGISTRY_USERNAME / TRAINYARD_REGISTRY_PASSWORD when
 * set, else the `auths` entry of the Docker config (`$DOCKER_CONFIG/config.json` or
 * `~/.docker/config.json`). Credential helpers are not consulted. Undefined when nothing is found.
 */
export async function registryAuth(
  registry: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RegistryAuth | undefined> {
  const host = registryHost(registry);
  if (env.TRAINYARD_REGISTRY_USERNAME && env.TRAINYARD_REGISTRY_PASSWORD) {
    return {
      serveraddress: host,
      username: env.TRAINYARD_REGISTRY_USERNAME,
      password: env.TRAINYARD_REGISTRY_PASSWORD,
    };
  }
  const file = join(env.DOCKER_CONFIG || join(homedir(), '.docker'), 'config.json');
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  let parsed: z.infer<typeof DockerConfigFile>;
  try {
    parsed = DockerConfigFile.parse(JSON.parse(text));
  } catch {
    return undefined;
  }
  return authFromDockerConfig(parsed.auths ?? {}, host);
}

/** Picks the `auths` entry whose key names the host (keys may carry a scheme or a path). */
export function authFromDockerConfig(
  auths: Record<string, { auth?: string; identitytoken?: string }>,
  host: string,
): RegistryAuth | undefined {
  const key = Object.keys(auths).find((k) => registryHost(k) === host);
  if (key === undefined) return undefined;
  const entry = auths[key];
  if (entry.identitytoken) return { serveraddress: host, identitytoken: entry.identitytoken };
  if (!entry.auth) return undefined;
  const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { serveraddress: host, username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

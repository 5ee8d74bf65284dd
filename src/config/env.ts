import { resolve } from 'node:path';
import { isKnownTimeZone } from '../core/schedule/zoned-time.ts';
import type { Level } from '../shared/log.ts';

const RUNTIMES = ['auto', 'kubernetes', 'docker', 'process'] as const;
const LEVELS: readonly Level[] = ['debug', 'info', 'warn', 'error'];

export type RuntimeChoice = (typeof RUNTIMES)[number];

/** Everything the environment configures (DESIGN.md, "Environment"). */
export interface Config {
  slack: { botToken?: string; signingSecret?: string; appToken?: string; apiUrl: string };
  port: number;
  /**
   * HOST: the interface the HTTP server listens on. Unset: every interface for Slack (a pod must
   * answer its probes), this machine only for the console chat (see listenHost in src/app).
   */
  host?: string;
  runtime: RuntimeChoice;
  namespace?: string;
  templatesDir: string;
  dataDir: string;
  configFile?: string;
  registry?: string;
  /** TRAINYARD_DOCKER_NETWORK: the Docker network runs' containers join (the engine's `bridge` when unset). */
  dockerNetwork?: string;
  timezone: string;
  scheduleMinIntervalSeconds: number;
  logLevel: Level;
  /** Variables of the bot's environment the process runtime passes on to jobs (TRAINYARD_PROCESS_ENV). */
  processEnv: string[];
  /** Kubernetes: the ReadWriteMany PersistentVolumeClaim that keeps run artifacts (TRAINYARD_ARTIFACTS_CLAIM). */
  artifactsClaim?: string;
  /** Kubernetes: the image of the init container that clones a template's code (TRAINYARD_GIT_IMAGE). */
  gitImage: string;
}

/** An official git image, pinned: the init container that clones code from git runs it. */
export const DEFAULT_GIT_IMAGE = 'alpine/git:v2.47.2';
/** A PersistentVolumeClaim's name: a DNS-1123 subdomain. */
const CLAIM_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

function claimVar(env: NodeJS.ProcessEnv): string | undefined {
  const claim = env.TRAINYARD_ARTIFACTS_CLAIM || undefined;
  if (claim !== undefined && !CLAIM_NAME.test(claim)) {
    throw new ConfigError(
      `TRAINYARD_ARTIFACTS_CLAIM must name a PersistentVolumeClaim (lowercase letters, digits, "-" and "."), not "${claim}".`,
    );
  }
  return claim;
}

function imageVar(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const image = env[name] || fallback;
  if (/\s/.test(image) || image.startsWith('-')) {
    throw new ConfigError(`${name} must be an image reference such as ${fallback}, not "${image}".`);
  }
  return image;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function intVar(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, not "${raw}".`);
  }
  return n;
}

const ENV_VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The bot's own credentials: no job ever gets them, whatever TRAINYARD_PROCESS_ENV says. */
const BOT_SECRET = /^(SLACK_.*|TRAINYARD_REGISTRY_(USERNAME|PASSWORD))$/;

/**
 * TRAINYARD_PROCESS_ENV: a comma-separated list of variables the process runtime passes on from
 * the bot's environment (e.g. HF_HOME,WANDB_API_KEY), beyond the harmless ones it always passes.
 */
export function processEnvAllowList(env: NodeJS.ProcessEnv): string[] {
  const raw = env.TRAINYARD_PROCESS_ENV ?? '';
  const names = raw
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  for (const name of names) {
    if (!ENV_VAR.test(name)) {
      throw new ConfigError(
        `TRAINYARD_PROCESS_ENV must list variable names separated by commas (e.g. HF_HOME,WANDB_API_KEY); "${name}" is not one.`,
      );
    }
    if (BOT_SECRET.test(name)) {
      throw new ConfigError(
        `TRAINYARD_PROCESS_ENV may not pass ${name} to jobs: the bot's own credentials never reach a job; remove it from the list.`,
      );
    }
  }
  return [...new Set(names)];
}

/** Reads and checks the environment; throws ConfigError with one sentence on a bad value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const runtime = (env.TRAINYARD_RUNTIME || 'auto') as RuntimeChoice;
  if (!RUNTIMES.includes(runtime)) {
    throw new ConfigError(`TRAINYARD_RUNTIME must be one of ${RUNTIMES.join(', ')}, not "${runtime}".`);
  }
  const logLevel = (env.LOG_LEVEL || 'info') as Level;
  if (!LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LEVELS.join(', ')}, not "${logLevel}".`);
  }
  const timezone = env.TRAINYARD_TIMEZONE || 'UTC';
  if (!isKnownTimeZone(timezone)) {
    throw new ConfigError(
      `TRAINYARD_TIMEZONE "${timezone}" is not a known time zone; use e.g. UTC or Europe/Berlin.`,
    );
  }
  let apiUrl = env.SLACK_API_URL || 'https://slack.com/api/';
  if (!apiUrl.endsWith('/')) apiUrl += '/';
  return {
    slack: {
      botToken: env.SLACK_BOT_TOKEN || undefined,
      signingSecret: env.SLACK_SIGNING_SECRET || undefined,
      appToken: env.SLACK_APP_TOKEN || undefined,
      apiUrl,
    },
    port: intVar(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || undefined,
    runtime,
    namespace: env.TRAINYARD_NAMESPACE || undefined,
    templatesDir: resolve(cwd, env.TRAINYARD_TEMPLATES || 'manifests'),
    dataDir: resolve(cwd, env.TRAINYARD_DATA || 'data'),
    configFile: env.TRAINYARD_CONFIG ? resolve(cwd, env.TRAINYARD_CONFIG) : undefined,
    registry: env.TRAINYARD_REGISTRY || undefined,
    dockerNetwork: env.TRAINYARD_DOCKER_NETWORK || undefined,
    timezone,
    scheduleMinIntervalSeconds: intVar(env, 'TRAINYARD_SCHEDULE_MIN_INTERVAL', 60, 0, 31_536_000),
    logLevel,
    processEnv: processEnvAllowList(env),
    artifactsClaim: claimVar(env),
    gitImage: imageVar(env, 'TRAINYARD_GIT_IMAGE', DEFAULT_GIT_IMAGE),
  };
}

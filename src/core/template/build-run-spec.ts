import { resolve } from 'node:path';
import { isQuantity } from '../run/quantity.ts';
import type { Params, RunSpec, SecretKeyRef, Toleration } from '../run/run.ts';
import { MissingParamError, substitute } from './placeholders.ts';
import type { Template, TemplateBody } from './template.ts';

export type BuildRunSpecResult =
  | { ok: true; spec: RunSpec }
  | { ok: false; error: string /** Dotted field the error is about. */; field: string };

/** Env var carrying each param to the job, so scripts may read params without parsing args. */
export const paramEnvName = (param: string): string => `TRAINYARD_PARAM_${param.toUpperCase()}`;

class SpecError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The run spec of a template with resolved params: placeholders substituted into the parsed
 * values, then every value checked (a param may have produced a bad quantity or count).
 * Pure: paths are resolved against the template's folder, nothing is read.
 */
export function buildRunSpec(template: Template, params: Params): BuildRunSpecResult {
  let body: TemplateBody;
  try {
    body = substitute(template.raw, params) as TemplateBody;
  } catch (err) {
    if (!(err instanceof MissingParamError)) throw err;
    return {
      ok: false,
      field: `params.${err.param}`,
      error: `Template ${template.name} needs a value for ${err.param}; give it as ${err.param}=<value>.`,
    };
  }
  try {
    return { ok: true, spec: specFromBody(template, params, body) };
  } catch (err) {
    if (!(err instanceof SpecError)) throw err;
    return { ok: false, field: err.field, error: err.message };
  }
}

function specFromBody(template: Template, params: Params, body: TemplateBody): RunSpec {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) env[paramEnvName(name)] = String(value);
  // The template's own env wins over the generated param variables.
  for (const [name, value] of Object.entries(body.env)) env[name] = String(value);

  const command = body.command.map(String);
  if (command[0] === '')
    throw new SpecError('command.0', 'command.0 must name the program to run, not be empty.');

  const spec: RunSpec = {
    template: template.name,
    params: { ...params },
    command,
    args: body.args.map(String),
    env,
    workdir: template.dir,
    resources: {
      cpu: quantity('resources.cpu', body.resources.cpu),
      memory: quantity('resources.memory', body.resources.memory),
      gpu: count('resources.gpu', body.resources.gpu, 0) ?? 0,
    },
    job: {
      backoffLimit: count('job.backoffLimit', body.job.backoffLimit, 0) ?? 0,
      activeDeadlineSeconds: count('job.activeDeadlineSeconds', body.job.activeDeadlineSeconds, 1),
      ttlSecondsAfterFinished: count('job.ttlSecondsAfterFinished', body.job.ttlSecondsAfterFinished, 0),
      nodeSelector: stringMap(body.job.nodeSelector as Record<string, unknown> | undefined),
      tolerations: body.job.tolerations as Toleration[] | undefined,
      volumes: body.job.volumes as Record<string, unknown>[] | undefined,
      volumeMounts: body.job.volumeMounts as Record<string, unknown>[] | undefined,
      secretEnv: secretEnv(body.job.secretEnv as Record<string, string> | undefined, body.env),
      imagePullSecrets: (body.job.imagePullSecrets as string[] | undefined)?.map((name, i) =>
        objectName(`job.imagePullSecrets.${i}`, name, 'a Secret'),
      ),
      serviceAccountName:
        body.job.serviceAccountName === undefined
          ? undefined
          : objectName('job.serviceAccountName', body.job.serviceAccountName as string, 'a service account'),
    },
  };
  if (body.image !== undefined) {
    if (typeof body.image !== 'string' || body.image.trim() === '' || /\s/.test(body.image)) {
      throw new SpecError(
        'image',
        `image must be an image reference like node:20-alpine, not "${body.image}".`,
      );
    }
    spec.image = body.image;
  }
  if (body.build) {
    spec.build = {
      context: resolve(template.dir, body.build.context),
      dockerfile: body.build.dockerfile,
      buildArgs: stringMap(body.build.args) ?? {},
      target: body.build.target,
    };
  }
  if (body.progress) spec.progressPattern = body.progress.pattern;
  if (template.code) spec.code = { ...template.code };
  if (template.objective) spec.objective = { ...template.objective };
  dropUndefined(spec.resources);
  dropUndefined(spec.job);
  return spec;
}

/** A Kubernetes object name (DNS-1123 subdomain): what a Secret or a service account is called. */
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

function objectName(field: string, value: string, what: string): string {
  if (!OBJECT_NAME.test(value)) {
    throw new SpecError(
      field,
      `${field} must name ${what} (lowercase letters, digits, '-' and '.'), not "${value}".`,
    );
  }
  return value;
}

/** `NAME: <secret>/<key>` → the Secret and key; a name may not also be set in `env`. */
function secretEnv(
  map: Record<string, string> | undefined,
  env: Record<string, unknown>,
): Record<string, SecretKeyRef> | undefined {
  if (map === undefined) return undefined;
  const refs: Record<string, SecretKeyRef> = {};
  for (const [name, value] of Object.entries(map)) {
    const field = `job.secretEnv.${name}`;
    const slash = value.indexOf('/');
    const secret = value.slice(0, slash);
    const key = value.slice(slash + 1);
    if (slash < 0 || !OBJECT_NAME.test(secret) || !SECRET_KEY.test(key)) {
      throw new SpecError(field, `${field} must be <secret>/<key>, e.g. hf-token/token, not "${value}".`);
    }
    if (name in env) throw new SpecError(field, `${name} is set in env too; set it in one place.`);
    refs[name] = { secret, key };
  }
  return refs;
}

function quantity(field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if (!isQuantity(text)) {
    throw new SpecError(field, `${field} must be a Kubernetes quantity like 500m, 2 or 4Gi, not "${text}".`);
  }
  return text;
}

/** A whole number of at least `min`; numeric strings count (a string param may carry one). */
function count(field: string, value: unknown, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min) {
    throw new SpecError(field, `${field} must be a whole number of at least ${min}, not "${value}".`);
  }
  return n;
}

function stringMap(map: Record<string, unknown> | undefined): Record<string, string> | undefined {
  if (map === undefined) return undefined;
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, String(v)]));
}

function dropUndefined(obj: object): void {
  for (const [k, v] of Object.entries(obj)) if (v === undefined) delete (obj as Record<string, unknown>)[k];
}

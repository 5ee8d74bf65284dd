import type Docker from 'dockerode';
import type { Run } from '../../../core/run/run.ts';
import {
  CONTAINER_PATHS,
  jobName,
  runAnnotations,
  runFolderEnv,
  runLabels,
} from '../../../core/run/run-identity.ts';

/**
 * The labels of a run's container: the Job's labels, plus its annotations (launcher, channel,
 * params, run number) as labels, because containers have nothing like annotations.
 */
export function containerLabels(run: Run): Record<string, string> {
  return { ...runLabels(run), ...runAnnotations(run) };
}

/** `<template>-<number>-<run id>`, the Job naming scheme, so `docker ps` reads like `kubectl get jobs`. */
export function containerName(run: Run): string {
  return jobName(run.spec.template, run.number, run.id.replace(/^r-/, ''));
}

/** Host folders bind-mounted into a run's container. */
export interface RunMounts {
  /** Its artifacts folder, mounted read-write at /artifacts. */
  artifacts: string;
  /** Each input's artifacts folder, mounted read-only at /inputs/<path>. */
  inputs: Array<{ path: string; folder: string }>;
  /** Its clone, mounted read-write at /code, which becomes the working directory. */
  code?: string;
}

/**
 * The engine's create request for a run. Command and args map like Kubernetes does
 * (command replaces the image's ENTRYPOINT, args its CMD) and are passed as arrays, never
 * through a shell. Throws an Error with one sentence when a resource value cannot be read.
 */
export function containerCreateOptions(
  run: Run,
  network: string,
  mounts?: RunMounts,
): Docker.ContainerCreateOptions {
  const { spec } = run;
  if (!spec.image) throw new Error(`Run ${run.id} has no image yet; build it before starting its container.`);
  const hostConfig: Docker.HostConfig = { NetworkMode: network };
  const env: Record<string, string> = { ...spec.env };
  if (mounts) {
    hostConfig.Binds = [
      `${mounts.artifacts}:${CONTAINER_PATHS.artifacts}:rw`,
      ...mounts.inputs.map((i) => `${i.folder}:${CONTAINER_PATHS.inputs}/${i.path}:ro`),
      ...(mounts.code ? [`${mounts.code}:${CONTAINER_PATHS.code}:rw`] : []),
    ];
    const inputs = mounts.inputs.length > 0 ? CONTAINER_PATHS.inputs : undefined;
    Object.assign(env, runFolderEnv(CONTAINER_PATHS.artifacts, inputs));
  }
  if (spec.resources.cpu) hostConfig.NanoCpus = Math.round(parseCpu(spec.resources.cpu) * 1e9);
  if (spec.resources.memory) hostConfig.Memory = parseMemory(spec.resources.memory);
  if (spec.resources.gpu > 0) {
    hostConfig.DeviceRequests = [{ Driver: '', Count: spec.resources.gpu, Capabilities: [['gpu']] }];
  }
  return {
    name: containerName(run),
    Image: spec.image,
    ...(spec.command.length > 0 && { Entrypoint: spec.command }),
    ...(spec.args.length > 0 && { Cmd: spec.args }),
    ...(mounts?.code && { WorkingDir: CONTAINER_PATHS.code }),
    Env: Object.entries(env).map(([name, value]) => `${name}=${value}`),
    Labels: containerLabels(run),
    Tty: false,
    AttachStdout: false,
    AttachStderr: false,
    HostConfig: hostConfig,
  };
}

/** Kubernetes CPU quantity (`500m`, `2`, `1.5`) → cores. */
export function parseCpu(cpu: string): number {
  const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(cpu.trim());
  const cores = match ? Number(match[1]) / (match[2] ? 1000 : 1) : Number.NaN;
  if (!(cores > 0)) throw new Error(`The CPU limit "${cpu}" is not a quantity such as 500m or 2.`);
  return cores;
}

const MEMORY_UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

/** Kubernetes memory quantity (`512Mi`, `2Gi`, `1G`, `1048576`) → bytes. */
export function parseMemory(memory: string): number {
  const match = /^(\d+(?:\.\d+)?)([kMGT]i?|Ki)?$/.exec(memory.trim());
  const unit = match ? MEMORY_UNITS[match[2] ?? ''] : undefined;
  const bytes = match && unit ? Math.round(Number(match[1]) * unit) : Number.NaN;
  if (!(bytes > 0)) throw new Error(`The memory limit "${memory}" is not a quantity such as 512Mi or 2Gi.`);
  return bytes;
}

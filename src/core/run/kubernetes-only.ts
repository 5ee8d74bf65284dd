import type { RunSpec } from './run.ts';

/** Template settings that only a Kubernetes cluster can honour (Secrets, service accounts). */
export function kubernetesOnlySettings(spec: RunSpec): string[] {
  const used: string[] = [];
  if (spec.job.secretEnv && Object.keys(spec.job.secretEnv).length > 0) used.push('job.secretEnv');
  if (spec.job.imagePullSecrets && spec.job.imagePullSecrets.length > 0) used.push('job.imagePullSecrets');
  if (spec.job.serviceAccountName) used.push('job.serviceAccountName');
  return used;
}

/**
 * Why a runtime without a cluster cannot run the spec as written, in one sentence; undefined
 * when it can. `runtime` names it for people: "the process runtime", "the Docker runtime".
 */
export function kubernetesOnlyRefusal(spec: RunSpec, runtime: string): string | undefined {
  const used = kubernetesOnlySettings(spec);
  if (used.length === 0) return undefined;
  const list = used.length === 1 ? used[0] : `${used.slice(0, -1).join(', ')} and ${used.at(-1)}`;
  const them = used.length === 1 ? 'it' : 'them';
  return `Template ${spec.template} uses ${list}, which ${runtime} cannot honour (only Kubernetes can); run it on a cluster (TRAINYARD_RUNTIME=kubernetes) or take ${them} out of the template.`;
}

import { createHash } from 'node:crypto';
import type { V1EnvVar, V1Job } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { DEFAULT_GIT_IMAGE } from '../../../config/env.ts';
import type { Run } from '../../../core/run/run.ts';
import { jobName, runAnnotations, runLabels } from '../../../core/run/run-identity.ts';
import { runVolumeParts, type VolumeOptions } from './run-volumes.ts';

/** Name of the one container in every Job; the Kubernetes runtime reads logs from it. */
export const MAIN_CONTAINER = 'main';

/**
 * The short suffix of a run's Job name, taken from the run id: a run always gets the same name, so
 * a second create of the same run meets its own Job (409) instead of making a twin.
 */
export function jobSuffix(runId: string): string {
  const chars = runId
    .replace(/^r-/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
  return chars.length >= 5 ? chars.slice(-5) : createHash('sha256').update(runId).digest('hex').slice(0, 5);
}

/** The container's variables: plain ones, and those read from Secrets (which win on a clash). */
function containerEnv(spec: Run['spec']): V1EnvVar[] {
  const secrets = spec.job.secretEnv ?? {};
  const plain = Object.entries(spec.env)
    .filter(([name]) => !(name in secrets))
    .map(([name, value]) => ({ name, value }));
  const fromSecrets = Object.entries(secrets).map(([name, ref]) => ({
    name,
    valueFrom: { secretKeyRef: { name: ref.secret, key: ref.key } },
  }));
  return [...plain, ...fromSecrets];
}

export interface JobManifestOptions extends Partial<VolumeOptions> {
  namespace: string;
  /** Stands in for the suffix taken from the run id (`trainyard render`). */
  suffix?: string;
}

/**
 * The batch/v1 Job that runs `run` on a cluster. Pure; the spec's image must already be known.
 * The name's suffix comes from the run id unless one is given (`trainyard render` shows a stand-in).
 */
export function renderJobManifest(run: Run, opts: JobManifestOptions): V1Job {
  const { spec } = run;
  if (!spec.image) {
    throw new Error(`Run ${run.id} has no image yet; build it before rendering the Job.`);
  }
  const labels = runLabels(run);

  const resources: { requests?: Record<string, string>; limits?: Record<string, string> } = {};
  const requests: Record<string, string> = {};
  if (spec.resources.cpu) requests.cpu = spec.resources.cpu;
  if (spec.resources.memory) requests.memory = spec.resources.memory;
  const limits: Record<string, string> = { ...requests };
  if (spec.resources.gpu > 0) limits['nvidia.com/gpu'] = String(spec.resources.gpu);
  if (Object.keys(requests).length) resources.requests = requests;
  if (Object.keys(limits).length) resources.limits = limits;

  const { job } = spec;
  const own = runVolumeParts(run, {
    artifactsClaim: opts.artifactsClaim,
    gitImage: opts.gitImage ?? DEFAULT_GIT_IMAGE,
  });
  const volumeMounts = [...((job.volumeMounts as never[]) ?? []), ...own.mounts];
  const volumes = [...((job.volumes as never[]) ?? []), ...own.volumes];
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobName(spec.template, run.number, opts.suffix ?? jobSuffix(run.id)),
      namespace: opts.namespace,
      labels,
      annotations: runAnnotations(run),
    },
    spec: {
      backoffLimit: job.backoffLimit,
      ...(job.activeDeadlineSeconds !== undefined && { activeDeadlineSeconds: job.activeDeadlineSeconds }),
      ...(job.ttlSecondsAfterFinished !== undefined && {
        ttlSecondsAfterFinished: job.ttlSecondsAfterFinished,
      }),
      template: {
        // The parent's annotations (a sweep's `trainyard.io/trial`) mark the pod as they mark the Job.
        metadata: {
          labels: { ...labels },
          ...(run.annotations &&
            Object.keys(run.annotations).length && { annotations: { ...run.annotations } }),
        },
        spec: {
          restartPolicy: 'Never',
          ...(own.initContainers.length > 0 && { initContainers: own.initContainers }),
          containers: [
            {
              name: MAIN_CONTAINER,
              image: spec.image,
              // Built images carry a content-addressed tag, so a cached copy is always the right one.
              ...(spec.build && { imagePullPolicy: 'IfNotPresent' }),
              command: spec.command,
              args: spec.args,
              ...(own.workingDir && { workingDir: own.workingDir }),
              env: [...containerEnv(spec), ...own.env],
              ...(Object.keys(resources).length && { resources }),
              volumeMounts,
            },
          ],
          ...(job.nodeSelector && { nodeSelector: job.nodeSelector }),
          ...(job.tolerations && { tolerations: job.tolerations }),
          volumes,
          ...(job.imagePullSecrets && { imagePullSecrets: job.imagePullSecrets.map((name) => ({ name })) }),
          ...(job.serviceAccountName && { serviceAccountName: job.serviceAccountName }),
        },
      },
    },
  };
}

/** Kubernetes objects as one multi-document YAML stream, as `kubectl apply -f` reads it. */
export function renderManifestYaml(objects: object[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}

import type { V1Job } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import type { Run } from '../run/run.ts';

/** Name of the one container in every Job; the Kubernetes runtime reads logs from it. */
export const MAIN_CONTAINER = 'main';

export const LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  run: 'trainyard.io/run',
  template: 'trainyard.io/template',
  schedule: 'trainyard.io/schedule',
} as const;

export const ANNOTATIONS = {
  launchedBy: 'trainyard.io/launched-by',
  channel: 'trainyard.io/channel',
  params: 'trainyard.io/params',
  runNumber: 'trainyard.io/run-number',
} as const;

export const MANAGED_BY = 'trainyard';
/** Label selector for everything Trainyard manages (Jobs, pods, containers). */
export const MANAGED_SELECTOR = `${LABELS.managedBy}=${MANAGED_BY}`;
const MAX_NAME = 63;

/**
 * `<template>-<number>-<suffix>`, a DNS-1123 label of at most 63 characters. The template
 * part is cut when needed so the number and suffix, which make the name unique, survive.
 */
export function jobName(template: string, runNumber: number, suffix: string): string {
  const tail = `-${runNumber}-${suffix}`;
  const head = template
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, Math.max(1, MAX_NAME - tail.length))
    .replace(/^-+|-+$/g, '');
  return `${head || 'run'}${tail}`.slice(0, MAX_NAME);
}

/** A string made safe as a label value: at most 63 of [A-Za-z0-9-_.], alphanumeric at both ends. */
export function labelValue(text: string): string {
  return text
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .slice(0, MAX_NAME)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

/** The batch/v1 Job that runs `run` on a cluster. Pure; the spec's image must already be known. */
export function renderJobManifest(run: Run, opts: { namespace: string; suffix: string }): V1Job {
  const { spec } = run;
  if (!spec.image) {
    throw new Error(`Run ${run.id} has no image yet; build it before rendering the Job.`);
  }
  const labels: Record<string, string> = {
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.run]: run.id,
    [LABELS.template]: spec.template,
  };
  if (run.schedule) labels[LABELS.schedule] = labelValue(run.schedule);

  const resources: { requests?: Record<string, string>; limits?: Record<string, string> } = {};
  const requests: Record<string, string> = {};
  if (spec.resources.cpu) requests.cpu = spec.resources.cpu;
  if (spec.resources.memory) requests.memory = spec.resources.memory;
  const limits: Record<string, string> = { ...requests };
  if (spec.resources.gpu > 0) limits['nvidia.com/gpu'] = String(spec.resources.gpu);
  if (Object.keys(requests).length) resources.requests = requests;
  if (Object.keys(limits).length) resources.limits = limits;

  const { job } = spec;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobName(spec.template, run.number, opts.suffix),
      namespace: opts.namespace,
      labels,
      annotations: {
        [ANNOTATIONS.launchedBy]: run.launchedBy,
        [ANNOTATIONS.channel]: run.channel,
        [ANNOTATIONS.params]: JSON.stringify(spec.params),
        [ANNOTATIONS.runNumber]: String(run.number),
      },
    },
    spec: {
      backoffLimit: job.backoffLimit,
      ...(job.activeDeadlineSeconds !== undefined && { activeDeadlineSeconds: job.activeDeadlineSeconds }),
      ...(job.ttlSecondsAfterFinished !== undefined && {
        ttlSecondsAfterFinished: job.ttlSecondsAfterFinished,
      }),
      template: {
        metadata: { labels: { ...labels } },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: MAIN_CONTAINER,
              image: spec.image,
              // Built images carry a content-addressed tag, so a cached copy is always the right one.
              ...(spec.build && { imagePullPolicy: 'IfNotPresent' }),
              command: spec.command,
              args: spec.args,
              env: Object.entries(spec.env).map(([name, value]) => ({ name, value })),
              ...(Object.keys(resources).length && { resources }),
              ...(job.volumeMounts && { volumeMounts: job.volumeMounts as never }),
            },
          ],
          ...(job.nodeSelector && { nodeSelector: job.nodeSelector }),
          ...(job.tolerations && { tolerations: job.tolerations }),
          ...(job.volumes && { volumes: job.volumes as never }),
        },
      },
    },
  };
}

/** Kubernetes objects as one multi-document YAML stream, as `kubectl apply -f` reads it. */
export function renderManifestYaml(objects: object[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}

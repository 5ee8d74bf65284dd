import type { V1Job } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import type { Run } from '../../../core/run/run.ts';
import { jobName, runAnnotations, runLabels } from '../../../core/run/run-identity.ts';

/** Name of the one container in every Job; the Kubernetes runtime reads logs from it. */
export const MAIN_CONTAINER = 'main';

/** The batch/v1 Job that runs `run` on a cluster. Pure; the spec's image must already be known. */
export function renderJobManifest(run: Run, opts: { namespace: string; suffix: string }): V1Job {
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
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobName(spec.template, run.number, opts.suffix),
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

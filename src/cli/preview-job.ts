import type { V1Job } from '@kubernetes/client-node';
import { contentTag } from '../adapters/images/context-hash.ts';
import { renderJobManifest } from '../adapters/runtimes/kubernetes/job-manifest.ts';
import type { Run, RunSpec } from '../core/run/run.ts';

/**
 * What `trainyard render` shows for a run that is not launched: run number 0, suffix
 * `xxxxx` (as long as a real suffix, so the name length is realistic) and a fixed run id.
 */
export const PREVIEW = {
  number: 0,
  suffix: 'xxxxx',
  id: 'r-0000000000',
  launchedBy: 'preview',
  channel: 'preview',
};

/**
 * The Job a run spec would become, without launching anything. A template with a build
 * section gets a stand-in image name, since the real tag is the content hash computed when
 * the image is built. The notes say what differs from a real launch.
 */
export interface PreviewOptions {
  namespace: string;
  registry?: string;
  schedule?: string;
  /** TRAINYARD_ARTIFACTS_CLAIM and TRAINYARD_GIT_IMAGE, as the Kubernetes runtime uses them. */
  artifactsClaim?: string;
  gitImage?: string;
  /** Stand-ins of a pipeline step's run: its own number and id, its labels and annotations. */
  run?: Pick<Run, 'id' | 'number'> & Partial<Pick<Run, 'labels' | 'annotations'>>;
}

export function previewJob(spec: RunSpec, opts: PreviewOptions): { job: V1Job; notes: string[] } {
  const notes = [
    `Preview: run number ${PREVIEW.number} and suffix ${PREVIEW.suffix} stand in for the real ones.`,
  ];
  const previewSpec = { ...spec };
  if (spec.build && !spec.image) {
    // The same repository the builder tags (contentTag), with a stand-in for the content hash.
    previewSpec.image = `${contentTag(spec.template, '', opts.registry)}built-at-launch`;
    notes.push(
      `The image is built from ${spec.build.context} at launch and tagged with the hash of its content.`,
    );
  }
  const run: Run = {
    id: opts.run?.id ?? PREVIEW.id,
    number: opts.run?.number ?? PREVIEW.number,
    spec: previewSpec,
    state: 'queued',
    launchedBy: PREVIEW.launchedBy,
    channel: PREVIEW.channel,
    createdAt: new Date(0).toISOString(),
    metrics: {},
    history: [],
  };
  if (opts.schedule !== undefined) run.schedule = opts.schedule;
  if (opts.run?.labels) run.labels = opts.run.labels;
  if (opts.run?.annotations) run.annotations = opts.run.annotations;
  const job = renderJobManifest(run, {
    namespace: opts.namespace,
    suffix: PREVIEW.suffix,
    artifactsClaim: opts.artifactsClaim,
    gitImage: opts.gitImage,
  });
  return { job, notes };
}

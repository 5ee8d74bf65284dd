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
export function previewJob(
  spec: RunSpec,
  opts: {
    namespace: string;
    registry?: string;
    schedule?: string;
    /** What a parent marks its runs with (a sweep trial's label and annotation). */
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  },
): { job: V1Job; notes: string[] } {
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
    id: PREVIEW.id,
    number: PREVIEW.number,
    spec: previewSpec,
    state: 'queued',
    launchedBy: PREVIEW.launchedBy,
    channel: PREVIEW.channel,
    createdAt: new Date(0).toISOString(),
    metrics: {},
    history: [],
  };
  if (opts.schedule !== undefined) run.schedule = opts.schedule;
  if (opts.labels) run.labels = opts.labels;
  if (opts.annotations) run.annotations = opts.annotations;
  return { job: renderJobManifest(run, { namespace: opts.namespace, suffix: PREVIEW.suffix }), notes };
}

import type { V1Job } from '@kubernetes/client-node';
import type { Command } from '../command/command.ts';
import type { Run } from '../run/run.ts';
import { buildRunSpec } from '../template/build-run-spec.ts';
import { findTemplate } from '../template/find-template.ts';
import { resolveParams } from '../template/resolve-params.ts';
import type { TemplateCatalog } from '../template/template.ts';
import { renderJobManifest } from './job-manifest.ts';

/**
 * What `trainyard render` shows for a command that is not launched: run number 0, suffix
 * `xxxxx` (as long as a real suffix, so the name length is realistic) and a fixed run id.
 */
export const PREVIEW = {
  number: 0,
  suffix: 'xxxxx',
  id: 'r-0000000000',
  launchedBy: 'preview',
  channel: 'preview',
};

export type PreviewJobsResult = { ok: true; jobs: V1Job[]; notes: string[] } | { ok: false; error: string };

/**
 * The Jobs a launch or schedule command would create, without creating anything. Templates
 * with a build section get a stand-in image name, since the real tag is the content hash
 * computed when the image is built. Notes explain what differs from a real launch.
 */
export function previewJobs(
  command: Command,
  catalog: TemplateCatalog,
  opts: { namespace: string; registry?: string },
): PreviewJobsResult {
  if (command.verb !== 'launch' && command.verb !== 'schedule') {
    return {
      ok: false,
      error: `render shows the Job of a launch or schedule command, e.g. "demo epochs=3", not "${command.verb}".`,
    };
  }
  const found = findTemplate(catalog, command.template);
  if (!found.ok) return found;
  const params = resolveParams(found.template, command.params);
  if (!params.ok) return params;
  const built = buildRunSpec(found.template, params.params);
  if (!built.ok) return { ok: false, error: built.error };

  const { spec } = built;
  const notes: string[] = [];
  if (spec.build && !spec.image) {
    const repo = `${opts.registry ? `${opts.registry.replace(/\/+$/, '')}/` : ''}trainyard/${spec.template}`;
    spec.image = `${repo}:built-at-launch`;
    notes.push(
      `The image is built from ${spec.build.context} at launch and tagged with the hash of its content.`,
    );
  }
  if (command.verb === 'launch' && Object.keys(command.options).length) {
    const given = Object.keys(command.options).map((o) => `--${o}`);
    notes.push(
      `Launch options (${given.join(', ')}) are applied by the bot at launch and are not shown here.`,
    );
  }
  const run: Run = {
    id: PREVIEW.id,
    number: PREVIEW.number,
    spec,
    state: 'queued',
    launchedBy: PREVIEW.launchedBy,
    channel: PREVIEW.channel,
    createdAt: new Date(0).toISOString(),
    metrics: {},
    history: [],
  };
  if (command.verb === 'schedule') {
    run.schedule = command.name ?? command.template;
    notes.push(
      `Schedule "${command.cron}" creates this Job at each fire time, with a new number and suffix.`,
    );
  }
  return {
    ok: true,
    jobs: [renderJobManifest(run, { namespace: opts.namespace, suffix: PREVIEW.suffix })],
    notes,
  };
}

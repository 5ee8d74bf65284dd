import { redactGitUrl } from '../../core/code/git-url.ts';
import type { RawOptions } from '../../core/command/command.ts';
import type { Run, RunLineage, RunOrigin, RunSpec, RuntimeKind } from '../../core/run/run.ts';
import type { Template } from '../../core/template/template.ts';
import type { LaunchRequest } from '../../ports/launcher.ts';

export interface NewRun {
  id: string;
  number: number;
  spec: RunSpec;
  options: RawOptions;
  request: LaunchRequest;
  /** The template it runs, as loaded now (name and file hash go into its lineage). */
  template: Pick<Template, 'name' | 'hash'>;
  now: Date;
  /** The runtime it will run on, and what of its spec that runtime runs without (one sentence). */
  runtime?: { kind: RuntimeKind; leavesOut?: string };
}

/** A fresh run in state `queued`, carrying what its launch request asked for. */
export function createRun(n: NewRun): Run {
  const { request } = n;
  const origin = request.origin ?? { kind: 'command' };
  const run: Run = {
    id: n.id,
    number: n.number,
    spec: n.spec,
    options: n.options,
    state: 'queued',
    launchedBy: request.user,
    channel: request.channel,
    origin,
    createdAt: n.now.toISOString(),
    metrics: {},
    history: [],
  };
  if (n.runtime) run.runtime = n.runtime.kind;
  if (n.runtime?.leavesOut) run.runtimeNote = n.runtime.leavesOut;
  // Cards and labels read these two where they always have.
  if (origin.kind === 'schedule') run.schedule = origin.name;
  if (origin.kind === 'rerun') run.rerunOf = origin.runId;
  if (request.parent) run.parent = request.parent;
  if (request.quiet) run.quiet = true;
  if (request.labels && Object.keys(request.labels).length) run.labels = { ...request.labels };
  if (request.annotations && Object.keys(request.annotations).length)
    run.annotations = { ...request.annotations };
  run.lineage = lineageOf(n, origin);
  return run;
}

/**
 * What made the run, as far as is known at its creation: the template's version, the image when
 * it is not built, the code's repository (credentials removed), its origin and the runs it reads.
 * A built image and the code's commit are added when they are known.
 */
function lineageOf(n: NewRun, origin: RunOrigin): RunLineage {
  const { spec } = n;
  const lineage: RunLineage = {
    template: { name: n.template.name, hash: n.template.hash ?? '' },
    origin,
    inputs: [...new Set(n.request.consumed ?? [])],
  };
  if (spec.image && !spec.build) lineage.image = spec.image;
  if (spec.code) {
    lineage.code = { repo: redactGitUrl(spec.code.git) };
    if (spec.code.ref) lineage.code.ref = spec.code.ref;
  }
  return lineage;
}

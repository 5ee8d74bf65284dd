import type { RawOptions } from '../../core/command/command.ts';
import type { Run, RunSpec, RuntimeKind } from '../../core/run/run.ts';
import type { LaunchRequest } from '../../ports/launcher.ts';

export interface NewRun {
  id: string;
  number: number;
  spec: RunSpec;
  options: RawOptions;
  request: LaunchRequest;
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
  return run;
}

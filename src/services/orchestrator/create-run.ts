import type { RawOptions } from '../../core/command/command.ts';
import type { Run, RunSpec } from '../../core/run/run.ts';

export interface NewRun {
  id: string;
  number: number;
  spec: RunSpec;
  options: RawOptions;
  user: string;
  channel: string;
  schedule?: string;
  rerunOf?: string;
  now: Date;
}

/** A fresh run in state `queued`. */
export function createRun(n: NewRun): Run {
  return {
    id: n.id,
    number: n.number,
    spec: n.spec,
    options: n.options,
    state: 'queued',
    launchedBy: n.user,
    channel: n.channel,
    ...(n.schedule ? { schedule: n.schedule } : {}),
    ...(n.rerunOf ? { rerunOf: n.rerunOf } : {}),
    createdAt: n.now.toISOString(),
    metrics: {},
    history: [],
  };
}

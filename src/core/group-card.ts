import type { PipelineRun } from './pipeline/pipeline-run.ts';
import type { Run } from './run/run.ts';
import type { Sweep } from './sweep/sweep.ts';

/**
 * A card that follows a group of runs instead of one: a sweep's trials, a pipeline's steps. The
 * group's runs are quiet (no cards or notices of their own); its one card updates in place and
 * its one notice ends it. Adapters render it with the views when it is sent, so a coalesced update
 * shows the group as it is then.
 */
export type GroupCard =
  | { kind: 'sweep'; sweep: Sweep }
  | { kind: 'pipeline'; pipeline: PipelineRun; runOf: (id: string) => Run | undefined };

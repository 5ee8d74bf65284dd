import type { PipelineRun } from '../../core/pipeline/pipeline-run.ts';
import { isSweepEnded, type Sweep } from '../../core/sweep/sweep.ts';
import type { GroupKind } from './MemoryGroupRecords.ts';

export const sweepKind: GroupKind<Sweep> = {
  id: (s) => s.id,
  number: (s) => s.number,
  owner: (s) => s.launchedBy,
  ended: (s) => isSweepEnded(s.state),
};

export const pipelineKind: GroupKind<PipelineRun> = {
  id: (p) => p.id,
  number: (p) => p.number,
  owner: (p) => p.launchedBy,
  ended: (p) => p.end !== undefined,
};

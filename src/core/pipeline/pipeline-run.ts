import type { MessageRef } from '../run/run.ts';
import type { PipelineEnd } from './decide-pipeline.ts';
import type { Pipeline } from './pipeline.ts';
import type { PipelineProgress } from './step-state.ts';

/**
 * One launch of a pipeline, as the pipeline service would store it: what the executor decides
 * from (params, step states, stop) plus what the views show. O(steps): step runs are stored as
 * ordinary runs and referenced by id from the step states.
 */
export interface PipelineRun extends PipelineProgress {
  /** Stable id, used in the `trainyard.io/pipeline` label of its step runs. */
  id: string;
  /** Short number from the same sequence as runs: `pipeline #57`. */
  number: number;
  /** The pipeline as loaded at launch, so editing its file never changes a pipeline under way. */
  pipeline: Pipeline;
  launchedBy: string;
  channel: string;
  createdAt: string;
  endedAt?: string;
  /** Set once the executor said the pipeline ended. */
  end?: PipelineEnd;
  card?: MessageRef;
  noticeSent?: boolean;
}

export type PipelineRunState = 'running' | 'stopping' | PipelineEnd['state'];

export function pipelineRunState(run: Pick<PipelineRun, 'end' | 'stop'>): PipelineRunState {
  if (run.end) return run.end.state;
  return run.stop ? 'stopping' : 'running';
}

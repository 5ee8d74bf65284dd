import { createHash } from 'node:crypto';
import { ID_ALPHABET, ID_LENGTH, randomId } from './run-id.ts';

/**
 * A new pipeline run id: `p-` + 10 random base36 chars, like run ids (`r-…`) but told apart at a
 * glance. Valid as a Kubernetes label value (`trainyard.io/pipeline`).
 */
export function newPipelineId(): string {
  return randomId('p-');
}

/**
 * The run id of one step instance of a pipeline run, the same every time it is asked for: a
 * pipeline that restarts between deciding to start a step and storing that run starts it with the
 * same id, so the launch (and on Kubernetes the Job, named after the id) is recognised as the
 * same one and nothing runs twice. Shaped like every run id (`r-` + 10 base36 chars).
 */
export function stepRunId(pipelineId: string, instanceKey: string): string {
  const digest = createHash('sha256').update(`${pipelineId}/${instanceKey}`).digest();
  let id = 'r-';
  for (let i = 0; i < ID_LENGTH; i++) id += ID_ALPHABET[digest[i] % ID_ALPHABET.length];
  return id;
}

import { createHash, randomInt } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
const LENGTH = 10;

/**
 * A new pipeline run id: `p-` + 10 random base36 chars, like run ids (`r-…`) but told apart at a
 * glance. Valid as a Kubernetes label value (`trainyard.io/pipeline`).
 */
export function newPipelineId(): string {
  let id = 'p-';
  for (let i = 0; i < LENGTH; i++) id += ALPHABET[randomInt(ALPHABET.length)];
  return id;
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
  for (let i = 0; i < LENGTH; i++) id += ALPHABET[digest[i] % ALPHABET.length];
  return id;
}

import type { RuntimeUpdate } from '../../../core/run/run.ts';

/** What the engine says about a container that is no longer running (from inspect). */
export interface ExitFacts {
  exitCode: number;
  oomKilled: boolean;
  finishedAt?: Date;
  /** Engine-side failure to start, e.g. an executable not found in the image. */
  error?: string;
}

/** Why Trainyard itself ended the container, if it did. */
export type EndCause = { kind: 'stop' } | { kind: 'deadline'; seconds: number } | undefined;

/** How a run ends, given how its container exited and whether Trainyard ended it. */
export function containerEnd(exit: ExitFacts, cause: EndCause): RuntimeUpdate {
  const at = exit.finishedAt;
  const base = { exitCode: exit.exitCode, ...(at && { at }) };
  if (cause?.kind === 'stop') return { state: 'stopped', ...base };
  if (cause?.kind === 'deadline') {
    return {
      state: 'failed',
      reason: `It ran past its deadline of ${cause.seconds} s (DeadlineExceeded).`,
      ...base,
    };
  }
  if (exit.oomKilled) {
    return {
      state: 'failed',
      reason: 'The container ran out of memory (OOMKilled); ask for more memory.',
      ...base,
    };
  }
  if (exit.exitCode === 0) return { state: 'succeeded', ...base };
  if (exit.error)
    return { state: 'failed', reason: `The container could not start: ${exit.error}.`, ...base };
  return { state: 'failed', reason: `The container exited with code ${exit.exitCode}.`, ...base };
}

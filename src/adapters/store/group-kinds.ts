import type { PipelineRun } from '../../core/pipeline/pipeline-run.ts';
import { isSweepEnded, type Sweep } from '../../core/sweep/sweep.ts';
import { pipelineProblem, sweepProblem } from './group-schema.ts';
import type { RecordKind } from './history/record-kind.ts';

/** A kind of group record (sweeps, pipelines): a record kind that also says when one has ended. */
export interface GroupKind<T> extends RecordKind<T> {
  /** Nothing more runs for it (it may still owe the chat its notice); `list({ active })` uses this. */
  ended(record: T): boolean;
}

/**
 * What the chat may still be owed for a group besides its notice: a service may mark its card
 * `cardStale` while the card lags behind, as the hub does for runs. Read loosely, so the store
 * settles groups correctly before and after such a field exists.
 */
interface OwedWork {
  noticeSent?: boolean;
  cardStale?: boolean;
}

/**
 * Settled: ended, its notice out and its card up to date. Until then its service needs it at
 * start-up to finish that work, and start-up reads the live document, so it stays there.
 */
const settledWhen =
  <T>(ended: (record: T) => boolean) =>
  (record: T): boolean => {
    const owed = record as T & OwedWork;
    return ended(record) && owed.noticeSent === true && owed.cardStale !== true;
  };

/** The id first: the store recognises each record's line in its file by how the line starts. */
function idFirst<T extends { id: string }>(record: T): string {
  const { id, ...rest } = record;
  return JSON.stringify({ id, ...rest });
}

/** The record as parsed when it keeps the rules (its unknown fields too), else what is wrong. */
const decodeWith =
  <T>(problem: (value: unknown) => string | undefined) =>
  (value: unknown): { record: T } | { error: string } => {
    const error = problem(value);
    return error === undefined ? { record: value as T } : { error };
  };

const sweepEnded = (sweep: Sweep) => isSweepEnded(sweep.state);

export const sweepKind: GroupKind<Sweep> = {
  name: 'sweeps',
  id: (sweep) => sweep.id,
  number: (sweep) => sweep.number,
  owner: (sweep) => sweep.launchedBy,
  ended: sweepEnded,
  settled: settledWhen(sweepEnded),
  encode: idFirst,
  decode: decodeWith<Sweep>(sweepProblem),
};

const pipelineEnded = (pipeline: PipelineRun) => pipeline.end !== undefined;

export const pipelineKind: GroupKind<PipelineRun> = {
  name: 'pipelines',
  id: (pipeline) => pipeline.id,
  number: (pipeline) => pipeline.number,
  owner: (pipeline) => pipeline.launchedBy,
  ended: pipelineEnded,
  settled: settledWhen(pipelineEnded),
  encode: idFirst,
  decode: decodeWith<PipelineRun>(pipelineProblem),
};

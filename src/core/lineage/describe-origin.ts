import type { RunOrigin } from '../run/run.ts';

/**
 * Why a run exists, in a few words for lineage and card footers; undefined for a plain command.
 * `numberOf` finds the number of a run still kept (for `rerun of #12`); a rerun's own record of the
 * number is used when it is not.
 */
export function describeOrigin(
  origin: RunOrigin,
  numberOf: (runId: string) => number | undefined,
): string | undefined {
  switch (origin.kind) {
    case 'command':
      return undefined;
    case 'rerun': {
      const n = numberOf(origin.runId) ?? origin.runNumber;
      return n === undefined ? `rerun of ${origin.runId}` : `rerun of #${n}`;
    }
    case 'schedule':
      return `schedule ${origin.name}`;
    case 'sweep':
      return `sweep ${origin.sweepNumber === undefined ? origin.sweepId : `#${origin.sweepNumber}`} trial ${origin.trial}`;
    case 'pipeline':
      return `pipeline ${origin.pipelineNumber === undefined ? origin.pipelineId : `#${origin.pipelineNumber}`} step ${origin.step}`;
  }
}

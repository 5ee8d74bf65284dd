import { isEnded, type Run } from '../../core/run/run.ts';
import type { RecordKind } from './history/record-kind.ts';
import { storedRunProblem } from './store-schema.ts';
import { fromStoredRun, type StoredRun, toStoredRun } from './stored-run.ts';

/**
 * Runs as the history machinery sees them. A run is settled once it has ended and its completion
 * notice is out: until then the hub may still need it at start-up (to send that notice), so it
 * stays in the live document, which is all the synchronous reads see.
 */
export const runRecords: RecordKind<Run> = {
  name: 'runs',
  id: (run) => run.id,
  number: (run) => run.number,
  owner: (run) => run.launchedBy,
  settled: (run) => isEnded(run.state) && run.noticeSent === true,
  // toStoredRun puts the id first, which is how the live file's lines are matched to their runs.
  encode: (run) => JSON.stringify(toStoredRun(run)),
  decode: (value) => {
    const problem = storedRunProblem(value);
    return problem === undefined ? { record: fromStoredRun(value as StoredRun) } : { error: problem };
  },
};

import { isEnded, type MetricSample, type Run } from '../../core/run/run.ts';
import type { RecordKind } from './history/record-kind.ts';
import { storedRunProblem } from './store-schema.ts';
import { fromStoredRun, packHistory, type StoredRun, toStoredRun } from './stored-run.ts';

/**
 * A history's JSON, by its array. The history is most of a run's bytes, and most saves of a run
 * (a new state, its card, a log cursor) keep the same history array, so they reuse its JSON.
 */
const historyJson = new WeakMap<MetricSample[], string>();

/** As JSON.stringify(toStoredRun(run)), with the history's JSON reused when it is unchanged. */
function encodeRun(run: Run): string {
  const { history } = run;
  const head = JSON.stringify(toStoredRun({ ...run, history: [] }));
  if (history.length === 0) return head;
  let json = historyJson.get(history);
  if (json === undefined) {
    json = JSON.stringify(packHistory(history));
    historyJson.set(history, json);
  }
  // toStoredRun writes the history last, so this is the same text, key order included.
  return `${head.slice(0, -1)},"history":${json}}`;
}

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
  encode: encodeRun,
  decode: (value) => {
    const problem = storedRunProblem(value);
    return problem === undefined ? { record: fromStoredRun(value as StoredRun) } : { error: problem };
  },
};

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
 * What the chat may still be owed for a run besides its notice: fields the hub sets on ended runs
 * (`logUploaded: false` until the whole log is in the card's thread, `cardStale` while the card
 * lags behind). Read loosely, so the store settles runs correctly before and after they exist.
 */
interface OwedWork {
  logUploaded?: boolean;
  cardStale?: boolean;
}

/**
 * Runs as the history machinery sees them. A run is settled once it has ended and nothing is owed
 * for it any more (its notice is out, its log uploaded, its card up to date): until then the hub
 * needs it at start-up to finish that work, and start-up reads the live document (listRuns), so
 * it stays there. This mirrors the hub's `completed(run)`.
 */
export const runRecords: RecordKind<Run> = {
  name: 'runs',
  id: (run) => run.id,
  number: (run) => run.number,
  owner: (run) => run.launchedBy,
  settled: (run) => {
    const owed = run as Run & OwedWork;
    return (
      isEnded(run.state) && run.noticeSent === true && owed.logUploaded !== false && owed.cardStale !== true
    );
  },
  // toStoredRun puts the id first, which is how the live file's lines are matched to their runs.
  encode: encodeRun,
  decode: (value) => {
    const problem = storedRunProblem(value);
    return problem === undefined ? { record: fromStoredRun(value as StoredRun) } : { error: problem };
  },
};

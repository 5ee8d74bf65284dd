import { isEnded, type Run } from '../../core/run/run.ts';

/**
 * The last state heard of each run still going, to tell a change of state (it started, ended …)
 * from a change of progress or metrics, which services that redraw or decide on states ignore.
 * Ended runs are forgotten: their state does not change again.
 */
export class RunStateChanges {
  readonly #states = new Map<string, Run['state']>();

  /** True when the run's state differs from the last one heard (or none was). */
  moved(run: Pick<Run, 'id' | 'state'>): boolean {
    const moved = this.#states.get(run.id) !== run.state;
    if (isEnded(run.state)) this.#states.delete(run.id);
    else this.#states.set(run.id, run.state);
    return moved;
  }
}

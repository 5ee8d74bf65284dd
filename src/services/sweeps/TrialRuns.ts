import { isEnded, type Run } from '../../core/run/run.ts';
import { observeRun, type TrialRun } from '../../core/sweep/observe-run.ts';
import type { Sweep } from '../../core/sweep/sweep.ts';
import type { Store } from '../../ports/store.ts';
import { RunStateChanges } from '../runs/run-state-changes.ts';

/** The sweep and trial a run belongs to, from the origin every trial is launched with. */
export function trialOf(run: Run): { sweepId: string; index: number } | undefined {
  const origin = run.origin;
  return origin?.kind === 'sweep' ? { sweepId: origin.sweepId, index: origin.trial } : undefined;
}

/**
 * The runs of each sweep's trials, as decideSweep takes them. Found by what the runs carry (their
 * sweep and trial index), not only by the ids the sweep stored: after a crash between creating a
 * run and storing its id, the run is still found and its trial never launched twice.
 */
export class TrialRuns {
  /** Sweep id → trial index → run id. */
  private readonly byTrial = new Map<string, Map<number, string>>();
  /** A run that has ended reads the same forever: observed once, not copied on every decision. */
  private readonly settled = new Map<string, TrialRun>();
  private readonly states = new RunStateChanges();

  constructor(private readonly store: Pick<Store, 'getRun' | 'loadRun' | 'listRuns'>) {}

  /**
   * A run this process launched or heard about; a sweep's trial is indexed under its sweep.
   * True when its state is new (it started, ended …), false when only its progress or metrics moved.
   */
  note(run: Run): boolean {
    const trial = trialOf(run);
    if (!trial) return false;
    const trials = this.byTrial.get(trial.sweepId);
    // A sweep not indexed yet is indexed from the store when first asked (this run among them).
    if (trials && !trials.has(trial.index)) trials.set(trial.index, run.id);
    return this.states.moved(run);
  }

  /** Trial index → its run, for every trial of the sweep that has one. */
  async runsOf(sweep: Sweep): Promise<Map<number, TrialRun>> {
    const runs = new Map<number, TrialRun>();
    for (const [index, runId] of this.indexOf(sweep)) {
      const cached = this.settled.get(runId);
      if (cached) {
        runs.set(index, cached);
        continue;
      }
      // A long sweep's early trials may have moved to history: one read each, then cached.
      const run = this.store.getRun(runId) ?? (await this.store.loadRun(runId));
      if (!run) continue;
      const observed = observeRun(run, sweep.definition.metric);
      if (isEnded(run.state)) this.settled.set(runId, observed);
      runs.set(index, observed);
    }
    return runs;
  }

  /** The sweep has ended and reported: nothing more will be asked about its runs. */
  forget(sweepId: string): void {
    for (const runId of this.byTrial.get(sweepId)?.values() ?? []) this.settled.delete(runId);
    this.byTrial.delete(sweepId);
  }

  private indexOf(sweep: Sweep): Map<number, string> {
    let trials = this.byTrial.get(sweep.id);
    if (!trials) {
      trials = new Map();
      // The ids the sweep stored come first; then any run of its trials the store holds.
      for (const t of sweep.trials) if (t.runId) trials.set(t.index, t.runId);
      for (const run of this.store.listRuns()) {
        const trial = trialOf(run);
        if (trial?.sweepId === sweep.id && !trials.has(trial.index)) trials.set(trial.index, run.id);
      }
      this.byTrial.set(sweep.id, trials);
    }
    return trials;
  }
}

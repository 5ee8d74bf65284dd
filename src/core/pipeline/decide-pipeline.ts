import type { RawParams } from '../command/command.ts';
import { pipelineInstances, type StepInstance } from './matrix.ts';
import { ownValue, pickBest } from './pick-best.ts';
import type { Pipeline, PipelineStep } from './pipeline.ts';
import type { Reference } from './references.ts';
import { instanceParams } from './step-params.ts';
import {
  isStepEnded,
  type PipelineProgress,
  type SkipCause,
  type StepState,
  type StepStates,
  skipReason,
  stateOf,
} from './step-state.ts';

/**
 * The DAG executor: from a pipeline and the stored state of its step instances, what to do now.
 * Pure and deterministic, so the service may call it after every event and after a restart:
 * - an instance starts once every step it needs has succeeded in all its runs, at most
 *   `parallel` runs of a matrix at a time, in matrix order; only instances that have not
 *   started are ever started, so none starts twice once its `running` state is stored;
 * - a failed or stopped step skips every waiting step that needs it, directly or further up,
 *   with a reason naming it; the other branches go on and finish;
 * - a failed or stopped run of a matrix skips the runs of that matrix not yet started;
 * - once a stop was asked for, running instances are to be stopped, none starts, and every
 *   waiting one is skipped;
 * - the pipeline has ended when every instance has: succeeded only if every one succeeded, else
 *   stopped (a stop was asked for), else failed (naming the first failed instance), else
 *   stopped (naming the first stopped instance).
 * The caller applies a decision (applyDecision) and stores it before acting on it.
 */
export interface PipelineDecision {
  start: StepLaunch[];
  skip: Array<{ key: string; step: string; reason: string; cause: SkipCause }>;
  /** Instances that cannot start, e.g. a step they read did not set the output; they count as failed. */
  fail: Array<{ key: string; step: string; reason: string }>;
  /** Running instances to stop (repeated until they have ended; stopping must be idempotent). */
  stop: Array<{ key: string; step: string; runId: string }>;
  /** Set when, with this decision applied, every instance has ended. */
  end?: PipelineEnd;
}

export interface StepLaunch {
  key: string;
  step: string;
  /** Position in the matrix, from 1; absent for a step without matrix. */
  index?: number;
  template: string;
  /** Every param as text (outputs substituted, `all` as a JSON list); type them by the template. */
  params: RawParams;
  /**
   * The runs of each step it needs directly, whose artifacts it may read (mounted read-only
   * under `TRAINYARD_INPUTS/<step>/`; a matrix's runs under `<step>/<index>/`).
   */
  inputs: Array<{ step: string; runs: Array<{ key: string; index?: number; runId: string }> }>;
  /** Ids of every run whose outputs or artifacts it uses: its lineage inputs. */
  consumed: string[];
}

export type PipelineEnd =
  | { state: 'succeeded' }
  | { state: 'failed'; step: string; key: string; reason: string }
  | { state: 'stopped'; reason: string; step?: string; key?: string };

export function decidePipeline(pipeline: Pipeline, progress: PipelineProgress): PipelineDecision {
  return new Decider(pipeline, progress).decide();
}

/**
 * The stored states with a decision applied; `runIds` gives the run id created for each started
 * instance. The caller stores this before submitting any of the started runs.
 */
export function applyDecision(
  steps: StepStates,
  decision: PipelineDecision,
  runIds: Readonly<Record<string, string>>,
): Record<string, StepState> {
  const next: Record<string, StepState> = { ...steps };
  for (const s of decision.skip) next[s.key] = { state: 'skipped', reason: s.reason, cause: s.cause };
  for (const f of decision.fail) next[f.key] = { state: 'failed', reason: f.reason };
  for (const launch of decision.start) {
    const runId = runIds[launch.key];
    if (runId === undefined) throw new Error(`no run id for started step ${launch.key}`);
    next[launch.key] = { state: 'running', runId };
  }
  return next;
}

/** Thrown inside param resolution when a referenced output is missing; becomes a `fail` entry. */
class CannotStart extends Error {}

class Decider {
  private readonly work = new Map<string, StepState>();
  private readonly instances: StepInstance[];
  private readonly byStep = new Map<string, StepInstance[]>();
  private readonly steps: Map<string, PipelineStep>;
  private readonly decision: PipelineDecision = { start: [], skip: [], fail: [], stop: [] };

  constructor(
    private readonly pipeline: Pipeline,
    private readonly progress: PipelineProgress,
  ) {
    this.instances = pipelineInstances(pipeline);
    for (const i of this.instances) {
      this.work.set(i.key, stateOf(progress.steps, i.key));
      this.byStep.set(i.step, [...(this.byStep.get(i.step) ?? []), i]);
    }
    this.steps = new Map(pipeline.steps.map((s) => [s.name, s]));
  }

  decide(): PipelineDecision {
    if (this.progress.stop) this.stopAll(this.progress.stop.by);
    else for (const step of this.pipeline.steps) this.advance(step);
    const end = this.end();
    if (end) this.decision.end = end;
    return this.decision;
  }

  private state(key: string): StepState {
    return this.work.get(key) ?? { state: 'waiting' };
  }

  private stopAll(by: string): void {
    for (const i of this.instances) {
      const s = this.state(i.key);
      if (s.state === 'running') this.decision.stop.push({ key: i.key, step: i.step, runId: s.runId });
      if (s.state === 'waiting') this.skip(i, { kind: 'pipeline-stopped', by });
    }
  }

  private skip(instance: StepInstance, cause: SkipCause): void {
    const reason = skipReason(cause);
    this.work.set(instance.key, { state: 'skipped', reason, cause });
    this.decision.skip.push({ key: instance.key, step: instance.step, reason, cause });
  }

  /** Steps are visited in topological order, so a skip or failure here reaches dependants below. */
  private advance(step: PipelineStep): void {
    const own = this.byStep.get(step.name) ?? [];
    const waiting = own.filter((i) => this.state(i.key).state === 'waiting');
    if (waiting.length === 0) return;

    const blocked = this.blockingCause(step) ?? this.siblingCause(own);
    if (blocked) {
      for (const i of waiting) this.skip(i, blocked);
      return;
    }
    if (!step.needs.every((need) => this.succeeded(need))) return;

    let running = own.filter((i) => this.state(i.key).state === 'running').length;
    const cap = step.parallel ?? Number.POSITIVE_INFINITY;
    for (const instance of waiting) {
      if (running >= cap) break;
      const launch = this.launch(step, instance);
      if (launch.ok) {
        // Marked running here so the capacity and the end state below see it.
        this.work.set(instance.key, { state: 'running', runId: '' });
        this.decision.start.push(launch.launch);
        running++;
        continue;
      }
      this.work.set(instance.key, { state: 'failed', reason: launch.reason });
      this.decision.fail.push({ key: instance.key, step: step.name, reason: launch.reason });
      const cause: SkipCause = { kind: 'sibling', key: instance.key, outcome: 'failed' };
      for (const other of waiting) if (this.state(other.key).state === 'waiting') this.skip(other, cause);
      return;
    }
  }

  /**
   * The cause to skip a step for when a step it needs can no longer succeed: the need itself
   * when one of its runs failed or was stopped, else the root cause the need was skipped for.
   */
  private blockingCause(step: PipelineStep): SkipCause | undefined {
    for (const need of step.needs) {
      const states = (this.byStep.get(need) ?? []).map((i) => this.state(i.key));
      for (const outcome of ['failed', 'stopped'] as const) {
        if (states.some((s) => s.state === outcome)) return { kind: 'need', step: need, outcome };
      }
      const skipped = states.find((s) => s.state === 'skipped');
      if (skipped?.state === 'skipped') return skipped.cause;
    }
    return undefined;
  }

  private siblingCause(own: StepInstance[]): SkipCause | undefined {
    for (const i of own) {
      const s = this.state(i.key).state;
      if (s === 'failed' || s === 'stopped') return { kind: 'sibling', key: i.key, outcome: s };
    }
    return undefined;
  }

  private succeeded(step: string): boolean {
    return (this.byStep.get(step) ?? []).every((i) => this.state(i.key).state === 'succeeded');
  }

  /** Succeeded runs of a step, in matrix order (only called once they all succeeded). */
  private runsOf(
    step: string,
  ): Array<{ key: string; index?: number; runId: string; outputs: Record<string, string> }> {
    return (this.byStep.get(step) ?? []).flatMap((i) => {
      const s = this.state(i.key);
      if (s.state !== 'succeeded') return [];
      const run = { key: i.key, runId: s.runId, outputs: s.outputs };
      return [i.index === undefined ? run : { ...run, index: i.index }];
    });
  }

  private launch(
    step: PipelineStep,
    instance: StepInstance,
  ): { ok: true; launch: StepLaunch } | { ok: false; reason: string } {
    const inputs = step.needs.map((need) => ({
      step: need,
      runs: this.runsOf(need).map(({ outputs: _, ...run }) => run),
    }));
    const consumed = new Set(inputs.flatMap((input) => input.runs.map((r) => r.runId)));
    let params: RawParams;
    try {
      params = instanceParams(step, instance, (ref) => this.textOf(ref, consumed));
    } catch (err) {
      if (err instanceof CannotStart) return { ok: false, reason: `could not start: ${err.message}` };
      throw err;
    }
    const launch: StepLaunch = {
      key: instance.key,
      step: step.name,
      template: step.template,
      params,
      inputs,
      consumed: [...consumed],
    };
    if (instance.index !== undefined) launch.index = instance.index;
    return { ok: true, launch };
  }

  /** The text a reference stands for, adding the runs it reads to `consumed`. */
  private textOf(ref: Reference, consumed: Set<string>): string {
    if (ref.kind === 'param') {
      if (!Object.hasOwn(this.progress.params, ref.name))
        throw new CannotStart(`the pipeline has no value for its param ${ref.name}`);
      return String(this.progress.params[ref.name]);
    }
    const runs = this.runsOf(ref.step);
    const missing = (key: string) => new CannotStart(`${key} did not set output ${ref.output}`);
    if (ref.pick === 'all') {
      const values = runs.map((r) => {
        const value = ownValue(r.outputs, ref.output);
        if (value === undefined) throw missing(r.key);
        consumed.add(r.runId);
        return value;
      });
      return JSON.stringify(values);
    }
    let run = runs[0];
    if (ref.pick === 'best') {
      const objective = this.steps.get(ref.step)?.objective;
      const best = objective ? pickBest(runs, objective) : undefined;
      if (!objective || !best) {
        const metric = objective ? `a number for ${objective.metric}` : 'an objective';
        throw new CannotStart(`no run of step ${ref.step} has ${metric} to pick the best run by`);
      }
      run = best;
    }
    const value = run ? ownValue(run.outputs, ref.output) : undefined;
    if (!run || value === undefined) throw missing(run?.key ?? ref.step);
    consumed.add(run.runId);
    return value;
  }

  private end(): PipelineEnd | undefined {
    const states = this.instances.map((i) => ({ instance: i, state: this.state(i.key) }));
    if (!states.every((s) => isStepEnded(s.state))) return undefined;
    // A stop that came too late to change anything does not spoil a complete success.
    if (states.every((s) => s.state.state === 'succeeded')) return { state: 'succeeded' };
    // Plain text; views mention whoever stopped it from the record's `stop`.
    if (this.progress.stop) return { state: 'stopped', reason: `stopped by @${this.progress.stop.by}` };
    const failed = states.find((s) => s.state.state === 'failed');
    if (failed?.state.state === 'failed') {
      return {
        state: 'failed',
        step: failed.instance.step,
        key: failed.instance.key,
        reason: failed.state.reason,
      };
    }
    const stopped = states.find((s) => s.state.state === 'stopped');
    if (stopped?.state.state === 'stopped') {
      const { step, key } = stopped.instance;
      return { state: 'stopped', step, key, reason: `step ${key} was stopped: ${stopped.state.reason}` };
    }
    return { state: 'succeeded' };
  }
}

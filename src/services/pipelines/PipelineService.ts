import { applyDecision, decidePipeline, type PipelineDecision } from '../../core/pipeline/decide-pipeline.ts';
import { observeRuns } from '../../core/pipeline/observe-runs.ts';
import type { PipelineRun } from '../../core/pipeline/pipeline-run.ts';
import { type StepState, WAITING } from '../../core/pipeline/step-state.ts';
import type { Run } from '../../core/run/run.ts';
import type { TemplateCatalog } from '../../core/template/template.ts';
import type { ChatPort } from '../../ports/chat.ts';
import type { Launcher } from '../../ports/launcher.ts';
import type { LogArchive } from '../../ports/log-archive.ts';
import type { RunEvents } from '../../ports/run-events.ts';
import type { Store } from '../../ports/store.ts';
import { KeyedQueue } from '../../shared/keyed-queue.ts';
import { KeyedWaiters } from '../../shared/keyed-waiters.ts';
import type { Logger } from '../../shared/log.ts';
import { newPipelineId, stepRunId } from '../../shared/pipeline-id.ts';
import { RunStateChanges } from '../runs/run-state-changes.ts';
import { checkPipeline, type PipelineLaunchRequest } from './launch-checks.ts';
import { PipelineReports } from './PipelineReports.ts';
import { stepRequest } from './step-request.ts';

export interface PipelineServiceDeps {
  store: Store;
  templates: () => Promise<TemplateCatalog>;
  launcher: Launcher;
  events: RunEvents;
  chat: Pick<ChatPort, 'postGroupCard' | 'updateGroupCard' | 'postGroupNotice'>;
  logs: Pick<LogArchive, 'flush' | 'tail'>;
  log: Logger;
  now?: () => Date;
}

/** How long step-run changes are gathered before the pipeline's card is redrawn. */
const REDRAW_MS = 250;

export type PipelineLaunchResult = { ok: true; record: PipelineRun } | { ok: false; error: string };

/**
 * Runs pipelines: a launch stores a pipeline run record and posts its card; from then on the DAG
 * executor (decidePipeline, pure) is asked what to do after every step run ends, and its decision
 * is stored before it is acted on. Step runs get fixed ids (stepRunId), so acting on a stored
 * decision again after a restart starts nothing twice, and an instance stored as running whose
 * run does not exist yet is started then: none is forgotten. Each pipeline's decisions are taken
 * one at a time, in the order their causes came.
 */
export class PipelineService {
  readonly reports: PipelineReports;
  private readonly now: () => Date;
  /** The decision passes of each pipeline, one after another. */
  private readonly passes: KeyedQueue;
  /** Pipelines whose runs ended before the runtime had synced after a start: decided on resume. */
  private readonly held = new Set<string>();
  private resumed = false;
  private readonly waiters = new KeyedWaiters<PipelineRun>();
  /** The last state of each step run the card showed: only a new state redraws it. */
  private readonly shown = new RunStateChanges();
  /** Pipelines whose card is to be redrawn shortly (many step runs move at once). */
  private readonly redraw = new Set<string>();

  constructor(private readonly deps: PipelineServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    this.passes = new KeyedQueue((pipeline, err) =>
      deps.log.error('a pipeline decision failed', { pipeline, err }),
    );
    this.reports = new PipelineReports(deps);
    deps.events.onRunEnded((run) => {
      const id = pipelineOf(run);
      if (!id) return;
      if (this.resumed) this.advance(id);
      else this.held.add(id);
    });
    deps.events.onRunChanged((run) => {
      const id = pipelineOf(run);
      // Step lines show states, numbers and times, not progress: log lines need no redraw.
      if (id && this.shown.moved(run)) this.refreshSoon(id);
    });
  }

  /** Checks and starts a pipeline as `req.user` in `req.channel`; a refusal is one sentence and starts nothing. */
  async launch(req: PipelineLaunchRequest): Promise<PipelineLaunchResult> {
    const { store, templates, launcher, log } = this.deps;
    const catalog = await templates();
    const pipeline = catalog.pipelines?.get(req.pipeline);
    if (!pipeline) return { ok: false, error: `There is no pipeline ${req.pipeline}.` };
    const checked = await checkPipeline(pipeline, catalog.templates, req, launcher);
    if (!checked.ok) return checked;
    const record: PipelineRun = {
      id: newPipelineId(),
      number: store.nextRunNumber(),
      pipeline,
      params: checked.params,
      steps: {},
      launchedBy: req.user,
      channel: req.channel,
      createdAt: this.now().toISOString(),
    };
    store.pipelines.save(record);
    log.info('pipeline launched', { pipeline: record.id, number: record.number, name: pipeline.name });
    this.reports.post(record);
    this.advance(record.id);
    return { ok: true, record };
  }

  /** Stops every running step and starts none; `by` is the user who asked. */
  stop(id: string, by: string): Promise<void> {
    const record = this.deps.store.pipelines.get(id);
    if (!record || record.end || record.stop) return this.advance(id);
    this.deps.store.pipelines.save({ ...record, stop: { by } });
    return this.advance(id);
  }

  /**
   * After a start, once the runtime has synced (every run that ended meanwhile has been reported):
   * every pipeline not ended is decided again from its stored states and its runs, and owed
   * cards and notices go out.
   */
  async resume(): Promise<void> {
    this.resumed = true;
    const { store } = this.deps;
    const ids = new Set([...store.pipelines.list({ active: true }).map((p) => p.id), ...this.held]);
    this.held.clear();
    for (const record of store.pipelines.list()) {
      if (!record.end && !record.card) this.reports.post(record);
      if (record.end && !record.noticeSent) ids.add(record.id);
    }
    await Promise.all([...ids].map((id) => this.advance(id)));
  }

  /** Resolves once the pipeline has ended and its notice is dealt with. */
  whenEnded(id: string): Promise<PipelineRun> {
    const record = this.deps.store.pipelines.get(id);
    if (!record) return Promise.reject(new Error(`unknown pipeline ${id}`));
    if (record.end && record.noticeSent) return Promise.resolve(record);
    return this.waiters.wait(id);
  }

  /** Resolves once no pipeline is going and no decision is being taken. */
  async whenIdle(): Promise<void> {
    for (;;) {
      const active = this.deps.store.pipelines.list({ active: true });
      if (!active.length && this.passes.empty) return;
      await Promise.all([...active.map((p) => this.whenEnded(p.id)), this.passes.idle()]);
    }
  }

  /** Decides the pipeline again after what just happened, after any decision still being taken. */
  advance(id: string): Promise<void> {
    // A failure is logged by the queue; whoever waits for the pass only waits.
    return this.passes.run(id, () => this.decide(id)).catch(() => {});
  }

  private async decide(id: string): Promise<void> {
    const { store } = this.deps;
    for (;;) {
      let record = store.pipelines.get(id) ?? (await store.pipelines.load(id));
      if (!record) return;
      if (record.end) {
        await this.finish(record);
        return;
      }
      const runs = this.liveRuns(record);
      if (runs.unknown.length > 0) {
        // Some step runs are not in memory (moved to history, or never created): read them, then
        // take the record again, since it may have changed meanwhile.
        for (const runId of runs.unknown) {
          const run = await store.loadRun(runId);
          if (run) runs.found.set(runId, run);
        }
        record = store.pipelines.get(id);
        if (!record) return;
      }
      // From here to the save, nothing is awaited: the record saved is the one read.
      const observed = observeRuns(record.steps, (runId) => runs.found.get(runId));
      // An instance whose run was never created is decided again: it starts with the same id.
      const steps: Record<string, StepState> = { ...observed.steps };
      for (const key of observed.missing) steps[key] = WAITING;
      const decision = decidePipeline(record.pipeline, { ...record, steps });
      const runIds = Object.fromEntries(decision.start.map((s) => [s.key, stepRunId(record.id, s.key)]));
      if (!hasWork(decision) && !observed.changed) return;
      const next: PipelineRun = { ...record, steps: applyDecision(steps, decision, runIds) };
      if (decision.end) Object.assign(next, { end: decision.end, endedAt: this.now().toISOString() });
      // Stored before anything is submitted: a restart acts on exactly this decision again.
      store.pipelines.save(next);
      const failed = await this.act(next, decision, runIds);
      if (failed.length > 0) {
        this.update(id, (r) => ({ ...r, steps: { ...r.steps, ...Object.fromEntries(failed) } }));
        continue;
      }
      this.reports.refresh(next);
      // Ended: the next round sends the final card and the notice.
      if (!decision.end) return;
    }
  }

  /** Stops what is to stop and launches what is to start; answers the launches that were refused. */
  private async act(
    record: PipelineRun,
    decision: PipelineDecision,
    runIds: Record<string, string>,
  ): Promise<Array<[string, StepState]>> {
    const { launcher, log } = this.deps;
    for (const s of decision.stop) {
      const reason = `pipeline #${record.number} was stopped`;
      launcher.stop(s.runId, reason, record.stop?.by).catch((err: unknown) => {
        log.warn('stopping a step run failed', { pipeline: record.id, run: s.runId, err });
      });
    }
    const results = await Promise.all(
      decision.start.map(async (launch) => {
        const result = await launcher.launch(stepRequest(record, launch, runIds[launch.key]));
        if (result.ok) return undefined;
        const state: StepState = { state: 'failed', reason: `could not start: ${result.error}` };
        return [launch.key, state] as [string, StepState];
      }),
    );
    return results.filter((r): r is [string, StepState] => r !== undefined);
  }

  /** The runs its running instances wait for, as far as memory has them; the others' ids. */
  private liveRuns(record: PipelineRun): { found: Map<string, Run>; unknown: string[] } {
    const found = new Map<string, Run>();
    const unknown: string[] = [];
    for (const state of Object.values(record.steps)) {
      if (state.state !== 'running') continue;
      const run = this.deps.store.getRun(state.runId);
      if (run) found.set(run.id, run);
      else unknown.push(state.runId);
    }
    return { found, unknown };
  }

  private async finish(record: PipelineRun): Promise<void> {
    if (!record.noticeSent && !(await this.reports.finish(record.id))) return;
    const done = this.deps.store.pipelines.get(record.id) ?? record;
    this.waiters.tell(record.id, done);
  }

  /**
   * Redraws the pipeline's card once for all the step-run changes of the next REDRAW_MS: a wide
   * matrix moves dozens of runs at once, and the chat shows a card at most every few seconds anyway.
   */
  private refreshSoon(id: string): void {
    if (this.redraw.has(id)) return;
    this.redraw.add(id);
    setTimeout(() => {
      this.redraw.delete(id);
      const record = this.deps.store.pipelines.get(id);
      if (record && !record.end) this.reports.refresh(record);
    }, REDRAW_MS).unref();
  }

  private update(id: string, change: (record: PipelineRun) => PipelineRun): void {
    const { store } = this.deps;
    const latest = store.pipelines.get(id);
    if (latest) store.pipelines.save(change(latest));
  }
}

function pipelineOf(run: Run): string | undefined {
  return run.parent?.kind === 'pipeline' ? run.parent.id : undefined;
}

function hasWork(d: PipelineDecision): boolean {
  return d.start.length + d.skip.length + d.fail.length + d.stop.length > 0 || d.end !== undefined;
}

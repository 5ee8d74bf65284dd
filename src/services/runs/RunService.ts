import { isEnded, RUN_STATES, type Run, type RunState } from '../../core/run/run.ts';
import type { TemplateCatalog } from '../../core/template/template.ts';
import type { ArtifactLister } from '../../ports/artifacts.ts';
import type { ChatPort } from '../../ports/chat.ts';
import type { ImageBuilder } from '../../ports/image-builder.ts';
import type { LaunchCheck, Launcher, LaunchRequest, LaunchResult } from '../../ports/launcher.ts';
import type { LogArchive } from '../../ports/log-archive.ts';
import type { Metrics } from '../../ports/metrics.ts';
import type { Policy } from '../../ports/policy.ts';
import type { RunEvents, Unsubscribe } from '../../ports/run-events.ts';
import type { Runtime, RuntimeSink } from '../../ports/runtime.ts';
import type { Store } from '../../ports/store.ts';
import type { Logger } from '../../shared/log.ts';
import { newRunId } from '../../shared/run-id.ts';
import { within } from '../../shared/within.ts';
import { activeWorkOf } from './active-work.ts';
import { Completion } from './Completion.ts';
import { createRun } from './create-run.ts';
import { LaunchLane } from './LaunchLane.ts';
import { type LaunchPlan, planLaunch } from './plan-launch.ts';
import { RunCards } from './RunCards.ts';
import { RunEventHub } from './RunEventHub.ts';
import { RunStarter } from './RunStarter.ts';
import { RunUpdates } from './RunUpdates.ts';

const ACTIVE_STATES = RUN_STATES.filter((s) => !isEnded(s));

/** How long a new run's card waits for its Job to be created before it is posted anyway. */
const CARD_WAITS_MS = 1_000;

export interface RunServiceDeps {
  store: Store;
  /** The current templates (the caller may reload them from disk). */
  templates: () => Promise<TemplateCatalog>;
  runtime: Runtime;
  chat: ChatPort;
  policy: Policy;
  logs: LogArchive;
  /** Absent when no Docker engine is configured: templates that need a build then fail with a sentence. */
  builder?: ImageBuilder;
  log: Logger;
  metrics: Metrics;
  /** Where runs' artifacts can be listed for their notices; without it none are listed. */
  artifacts?: ArtifactLister;
  now?: () => Date;
  /** Draws and posts a finished run's chart after its notice (absent: no charts). */
  charts?: { afterNotice(run: Run): void };
}

/**
 * The life of runs: launch → build and submit → runtime updates and logs → completion notice and
 * log upload. Other services start runs through it (Launcher) and follow them (RunEvents).
 */
export class RunService implements Launcher, RunEvents {
  /** Where the runtime reports run changes and log lines. */
  readonly sink: RuntimeSink;
  readonly cards: RunCards;
  readonly completion: Completion;
  private readonly events: RunEventHub;
  private readonly updates: RunUpdates;
  private readonly starter: RunStarter;
  private readonly lane: LaunchLane;
  private readonly now: () => Date;

  constructor(private readonly deps: RunServiceDeps) {
    const { store, chat, log, logs } = deps;
    this.now = deps.now ?? (() => new Date());
    this.events = new RunEventHub(log);
    this.cards = new RunCards({ store, chat, log });
    this.completion = new Completion({
      store,
      chat,
      logs,
      cards: this.cards,
      log,
      metrics: deps.metrics,
      artifacts: deps.artifacts,
      charts: deps.charts,
    });
    this.updates = new RunUpdates({
      store,
      cards: this.cards,
      events: this.events,
      logs,
      now: this.now,
      onEnded: (run) => this.completion.ended(run),
    });
    this.sink = this.updates;
    this.starter = new RunStarter({ ...deps, updates: this.updates });
    // Launch work yields to the chat's deliveries (Slack's acks) while they are arriving.
    this.lane = new LaunchLane({ busy: () => chat.inboundBusy?.() ?? false });
    // Runs under way only: the live store also keeps the newest finished runs (the rest are in
    // history segments), so a count of ended ones would follow retention, not anything real.
    deps.metrics.gauge('trainyard_runs', 'Runs under way (not ended) by state', ['state'], () => {
      const counts = new Map<RunState, number>(ACTIVE_STATES.map((s) => [s, 0]));
      for (const r of store.listRuns({ active: true })) counts.set(r.state, (counts.get(r.state) ?? 0) + 1);
      return [...counts].map(([state, value]) => ({ labels: { state }, value }));
    });
  }

  /** Archived log lines the stored run missed before a restart (see RunUpdates.takeIn). */
  takeInArchived(runId: string, lines: string[], cursor?: string): void {
    this.updates.takeIn(runId, lines, cursor);
  }

  onRunChanged(listener: (run: Run) => void): Unsubscribe {
    return this.events.onRunChanged(listener);
  }

  onRunEnded(listener: (run: Run) => void): Unsubscribe {
    return this.events.onRunEnded(listener);
  }

  async check(req: LaunchRequest): Promise<LaunchCheck> {
    const plan = await this.plan(req);
    if (!plan.ok) return plan;
    // No runs counted: the concurrent-runs limit belongs to the moment of a launch.
    const refusal = this.deps.policy.checkLaunch(req.user, req.channel, plan.spec, 0);
    return refusal ? { ok: false, error: refusal } : { ok: true, spec: plan.spec };
  }

  async launch(req: LaunchRequest): Promise<LaunchResult> {
    const { store, policy } = this.deps;
    // A launch that names its run id again (a pipeline resuming after a restart) is the same launch.
    if (req.id) {
      const existing = store.getRun(req.id) ?? (await store.loadRun(req.id));
      if (existing) return { ok: true, run: existing };
    }
    const plan = await this.plan(req);
    if (!plan.ok) return plan;
    const going = activeWorkOf(store.listRuns({ active: true }), req.user, req.parent);
    const refusal = policy.checkLaunch(req.user, req.channel, plan.spec, going);
    if (refusal) return { ok: false, error: refusal };

    const { runtime } = this.deps;
    const run = createRun({
      id: req.id ?? newRunId(),
      number: store.nextRunNumber(),
      spec: req.inputs?.length ? { ...plan.spec, inputs: req.inputs } : plan.spec,
      options: req.options,
      request: req,
      template: plan.template,
      now: this.now(),
      runtime: { kind: runtime.kind, leavesOut: runtime.leavesOut?.(plan.spec) },
    });
    store.saveRun(run);
    this.deps.log.info('run launched', { run: run.id, number: run.number, template: run.spec.template });
    this.events.runChanged(run);
    // Its turn comes once the chat's waiting deliveries are answered (see LaunchLane). The Job goes
    // first and the card after it (or after CARD_WAITS_MS), showing the run as it is by then: a
    // slow chat never delays the Job, and a card posted as `pending` needs no update at once.
    const turn = this.lane.turn();
    const started = turn.then(() => this.starter.start(run.id));
    this.cards.post(
      run,
      turn.then(() => within(CARD_WAITS_MS, started)),
    );
    return { ok: true, run };
  }

  /**
   * The spec a request would run, or the one sentence saying why it cannot: the template, its
   * params and options, and settings the runtime cannot honour (answered now, not as a failed card).
   */
  private async plan(req: LaunchRequest): Promise<LaunchPlan> {
    const plan = planLaunch(await this.deps.templates(), req.template, req.params, req.options);
    if (!plan.ok) return plan;
    const unfit = this.deps.runtime.cannotHonour(plan.spec);
    return unfit ? { ok: false, error: unfit } : plan;
  }

  /** Starts a run that was queued (or building) when the bot went down and never reached the runtime. */
  resume(run: Run): void {
    this.deps.log.info('starting a run interrupted before it reached the runtime', { run: run.id });
    void this.starter.start(run.id);
  }

  async stop(runId: string, reason?: string, stoppedBy?: string): Promise<void> {
    const run = this.deps.store.getRun(runId);
    if (!run || isEnded(run.state)) return;
    if (!run.placement && (run.state === 'queued' || run.state === 'building')) {
      // Not handed to the runtime yet: it never starts. (A run the runtime reported on has a job,
      // placement stored or not: a kill between creating the job and storing it leaves that.)
      this.starter.cancel(runId);
      this.updates.update(runId, { state: 'stopped', reason, stoppedBy });
      return;
    }
    this.updates.stopping(runId, { reason, stoppedBy });
    try {
      await this.deps.runtime.stop(run);
    } catch (err) {
      this.deps.log.error('stop failed', { run: runId, err });
      throw err;
    }
  }

  /**
   * Stops every run still going and resolves once each has ended and been reported (also runs a
   * parent, e.g. a sweep, started meanwhile). For a console that is closing.
   */
  async stopAll(reason: string, stoppedBy?: string): Promise<void> {
    for (let round = 0; round < 5; round++) {
      const active = this.deps.store.listRuns({ active: true });
      if (!active.length) return;
      await Promise.all(active.map((r) => this.stop(r.id, reason, stoppedBy).catch(() => undefined)));
      await Promise.all(active.map((r) => this.whenEnded(r.id)));
    }
  }

  whenEnded(runId: string): Promise<Run> {
    return this.completion.whenCompleted(runId);
  }

  /** Resolves when no run is in flight any more (every notice sent). */
  async whenIdle(): Promise<void> {
    for (;;) {
      const active = this.deps.store.listRuns({ active: true });
      if (!active.length) break;
      await Promise.all(active.map((r) => this.whenEnded(r.id)));
    }
  }
}

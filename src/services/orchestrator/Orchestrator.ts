import { ACTIONS } from '../../core/actions.ts';
import type { Command, RawParams } from '../../core/command/command.ts';
import { parseCommand } from '../../core/command/parse-command.ts';
import { applyLogLines, createProgressPattern } from '../../core/progress/parse-progress.ts';
import type { Reply } from '../../core/reply.ts';
import {
  isEnded,
  NOTICE_LOG_LINES,
  RUN_STATES,
  type Run,
  type RunState,
  type RuntimeUpdate,
} from '../../core/run/run.ts';
import { applyUpdate } from '../../core/run/status-machine.ts';
import { sentence, userMention } from '../../core/sentence.ts';
import type { TemplateCatalog } from '../../core/template/template.ts';
import type { ChatHandlers, ChatPort, Requester } from '../../ports/chat.ts';
import { BuildError, type ImageBuilder } from '../../ports/image-builder.ts';
import type { Launcher, LaunchRequest, LaunchResult } from '../../ports/launcher.ts';
import type { LogArchive } from '../../ports/log-archive.ts';
import type { Metrics } from '../../ports/metrics.ts';
import type { Policy } from '../../ports/policy.ts';
import type { Runtime, RuntimeSink } from '../../ports/runtime.ts';
import type { ScheduleCommand, Scheduler } from '../../ports/scheduler.ts';
import type { Store } from '../../ports/store.ts';
import type { Logger } from '../../shared/log.ts';
import { newRunId } from '../../shared/run-id.ts';
import { createRun } from './create-run.ts';
import { findRun } from './find-run.ts';
import { planLaunch } from './plan-launch.ts';

export interface OrchestratorDeps {
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
  now?: () => Date;
}

/** What a command led to: the answer for the asker, and the run it started (for `console -e`). */
export interface Outcome {
  reply?: Reply;
  started?: Run;
}

const LOG_LINES_SHOWN = 40;

/**
 * The conversation ↔ runs hub. Knows only the ports: chat, runtime, store, builder, scheduler.
 * Chat adapters deliver commands and button presses here; runtimes report run changes here.
 */
export class Orchestrator implements ChatHandlers, Launcher {
  private readonly now: () => Date;
  private scheduler?: Scheduler;
  private closed = false;
  private readonly waiters = new Map<string, ((run: Run) => void)[]>();
  /** Runs stopped before they reached the runtime (still queued or building). */
  private readonly cancelled = new Set<string>();
  private readonly patterns = new Map<string, RegExp | undefined>();
  /** When the runtime reported a run's end, to measure event → notice latency. */
  private readonly endSeenAt = new Map<string, number>();
  private readonly noticeLatency;
  /** Card posts still under way: a run's notice waits for its card (it goes in the card's thread). */
  private readonly cardPosts = new Map<string, Promise<void>>();
  /** Runs whose completion notice is being sent right now. */
  private readonly finishing = new Set<string>();
  /** Why each run is being stopped, so the end state says who stopped it. */
  private readonly stopReasons = new Map<string, { reason?: string; stoppedBy?: string }>();

  constructor(private readonly deps: OrchestratorDeps) {
    this.now = deps.now ?? (() => new Date());
    deps.metrics.gauge('trainyard_runs', 'Runs in the store by state', ['state'], () => {
      const counts = new Map<RunState, number>(RUN_STATES.map((s) => [s, 0]));
      for (const r of deps.store.listRuns()) counts.set(r.state, (counts.get(r.state) ?? 0) + 1);
      return [...counts].map(([state, value]) => ({ labels: { state }, value }));
    });
    this.noticeLatency = deps.metrics.histogram(
      'trainyard_event_to_notice_seconds',
      'Time from the runtime reporting a run end to its completion notice being handed to the chat',
    );
  }

  /** The scheduler needs the orchestrator as its launcher, so it is attached after both exist. */
  setScheduler(scheduler: Scheduler): void {
    this.scheduler = scheduler;
  }

  /** Starts the runtime, then re-attaches to runs that were in flight and finishes what ended meanwhile. */
  async start(): Promise<void> {
    await this.deps.runtime.start(this.sink);
    const active = this.deps.store.listRuns({ active: true });
    if (active.length) {
      this.deps.log.info('recovering runs', { count: active.length });
      await this.deps.runtime.recover(active);
    }
    for (const run of this.deps.store.listRuns()) {
      if (isEnded(run.state) && !run.noticeSent) await this.finish(run);
    }
    void this.resumeInterrupted();
  }

  /**
   * Starts runs the bot was about to start when it went down. It waits until the runtime has
   * synced with its backend: a job created just before the crash shows up then (and moves the
   * run on), so what is still queued has no job and starting it cannot launch anything twice.
   */
  private async resumeInterrupted(): Promise<void> {
    while (!this.deps.runtime.ready()) {
      if (this.closed) return;
      await new Promise((resolve) => setTimeout(resolve, 500).unref());
    }
    for (const run of this.deps.store.listRuns({ active: true })) {
      if (run.placement || (run.state !== 'queued' && run.state !== 'building')) continue;
      this.deps.log.info('starting a run interrupted before it reached the runtime', { run: run.id });
      if (!run.card) this.cardPosts.set(run.id, this.postCard(run));
      void this.startRun(run.id);
    }
  }

  // ---- chat handlers -------------------------------------------------------

  async command(text: string, from: Requester, key?: string): Promise<void> {
    if (key && !this.deps.store.claimOnce(`command:${key}`)) return;
    const { reply } = await this.execute(text, from);
    if (reply) await this.deps.chat.answer(from, reply);
  }

  async action(action: string, value: string, from: Requester, key?: string): Promise<void> {
    if (key && !this.deps.store.claimOnce(`action:${key}`)) return;
    const reply = await this.act(action, value, from);
    if (reply) await this.deps.chat.answer(from, reply);
  }

  /** Parses and carries out one command. Never throws for anything a user typed. */
  async execute(text: string, from: Requester): Promise<Outcome> {
    const { templates, broken } = await this.deps.templates();
    const parsed = parseCommand(text, { templates: [...templates.keys(), ...broken.keys()] });
    if (!parsed.ok) return { reply: { kind: 'error', text: parsed.error } };
    try {
      return await this.run(parsed.command, from);
    } catch (err) {
      this.deps.log.error('command failed', { err, verb: parsed.command.verb });
      return {
        reply: { kind: 'error', text: 'Something went wrong on our side; the error is in the bot log.' },
      };
    }
  }

  private async run(cmd: Command, from: Requester): Promise<Outcome> {
    const { store } = this.deps;
    switch (cmd.verb) {
      case 'help':
        return { reply: { kind: 'help' } };
      case 'templates': {
        const catalog = await this.deps.templates();
        return { reply: { kind: 'templates', templates: [...catalog.templates.values()] } };
      }
      case 'list':
        return { reply: { kind: 'runs', runs: this.recentRuns() } };
      case 'status':
      case 'logs':
      case 'stop':
      case 'rerun': {
        const found = findRun(store, cmd.run);
        if (!found.ok) return { reply: { kind: 'error', text: found.error } };
        if (cmd.verb === 'rerun') return this.rerun(found.run, from, cmd.params);
        if (cmd.verb === 'status') return { reply: { kind: 'run', run: found.run } };
        if (cmd.verb === 'logs') return { reply: await this.logsReply(found.run) };
        return { reply: await this.stopFor(found.run, from.user) };
      }
      case 'lineage':
        // Answering needs a lineage reply kind and its rendering in the chat adapters; until then, say so.
        return { reply: { kind: 'info', text: 'Lineage is not answered yet; it comes with pipelines.' } };
      case 'launch': {
        const result = await this.launch({ ...cmd, user: from.user, channel: from.channel });
        return result.ok ? { started: result.run } : { reply: { kind: 'error', text: result.error } };
      }
      case 'sweep':
      case 'sweeps':
        // The parser knows sweeps (src/core/sweep); the sweep service that runs them is still to come.
        return { reply: { kind: 'error', text: 'Sweeps are not available in this version yet.' } };
      default:
        return { reply: await this.schedulerCommand(cmd, from) };
    }
  }

  private async schedulerCommand(cmd: ScheduleCommand, from: Requester): Promise<Reply> {
    if (!this.scheduler) return { kind: 'error', text: 'Schedules are not available in this mode.' };
    // The scheduler checks templates synchronously against the latest catalog: refresh it first.
    await this.deps.templates();
    return this.scheduler.execute(cmd, from);
  }

  private async act(action: string, value: string, from: Requester): Promise<Reply | undefined> {
    switch (action) {
      case ACTIONS.stop:
      case ACTIONS.rerun:
      case ACTIONS.logs: {
        const run = this.deps.store.getRun(value);
        if (!run) {
          return {
            kind: 'error',
            text: 'That run is no longer known to Trainyard; /train list shows recent runs.',
          };
        }
        if (action === ACTIONS.rerun) return (await this.rerun(run, from, {})).reply;
        if (action === ACTIONS.stop) return this.stopFor(run, from.user);
        // The Logs button answers in the card's thread, where the whole channel sees the log.
        if (!run.card) return this.logsReply(run);
        await this.deps.chat.postInThread(run, await this.logsReply(run));
        return undefined;
      }
      case ACTIONS.scheduleRunNow:
        return this.scheduler?.runNow(value, from);
      case ACTIONS.schedulePause:
        return this.schedulerCommand({ verb: 'pause', name: value }, from);
      case ACTIONS.scheduleResume:
        return this.schedulerCommand({ verb: 'resume', name: value }, from);
      case ACTIONS.scheduleDelete:
        return this.schedulerCommand({ verb: 'unschedule', name: value }, from);
      default:
        return {
          kind: 'error',
          text: 'That button is not one Trainyard knows; it may come from an older card.',
        };
    }
  }

  // ---- run verbs -----------------------------------------------------------

  /** Active runs first, then the most recent ended ones. */
  private recentRuns(): Run[] {
    const active = this.deps.store.listRuns({ active: true });
    const ended = this.deps.store
      .listRuns({ limit: 10 + active.length })
      .filter((r) => isEnded(r.state))
      .slice(0, 10);
    return [...active, ...ended];
  }

  private async logsReply(run: Run): Promise<Reply> {
    let lines = await this.deps.logs.tail(run.id, LOG_LINES_SHOWN);
    if (!lines.length && !isEnded(run.state) && this.deps.runtime.tail) {
      lines = await this.deps.runtime.tail(run, LOG_LINES_SHOWN).catch(() => []);
    }
    return { kind: 'logs', run, lines };
  }

  private async stopFor(run: Run, user: string): Promise<Reply> {
    if (isEnded(run.state)) {
      return { kind: 'info', text: `Run #${run.number} already ended (${run.state}); nothing to stop.` };
    }
    if (!this.deps.policy.mayStop(user, run)) {
      return {
        kind: 'error',
        text: sentence`Only ${userMention(run.launchedBy)} or an admin can stop run #${run.number}.`,
      };
    }
    await this.stop(run.id, undefined, user);
    return { kind: 'info', text: `Stopping run #${run.number}.` };
  }

  private async rerun(run: Run, from: Requester, overrides: RawParams): Promise<Outcome> {
    const params: RawParams = {};
    for (const [k, v] of Object.entries(run.spec.params)) params[k] = String(v);
    const result = await this.launch({
      template: run.spec.template,
      params: { ...params, ...overrides },
      options: run.options ?? {},
      user: from.user,
      channel: from.channel,
      rerunOf: run.id,
    });
    return result.ok ? { started: result.run } : { reply: { kind: 'error', text: result.error } };
  }

  // ---- Launcher ------------------------------------------------------------

  async launch(req: LaunchRequest): Promise<LaunchResult> {
    const { store, policy } = this.deps;
    const plan = planLaunch(await this.deps.templates(), req.template, req.params, req.options);
    if (!plan.ok) return plan;
    const mine = store.listRuns({ active: true }).filter((r) => r.launchedBy === req.user).length;
    const refusal = policy.checkLaunch(req.user, req.channel, plan.spec, mine);
    if (refusal) return { ok: false, error: refusal };

    const run = createRun({
      id: newRunId(),
      number: store.nextRunNumber(),
      spec: plan.spec,
      options: req.options,
      user: req.user,
      channel: req.channel,
      schedule: req.schedule,
      rerunOf: req.rerunOf,
      now: this.now(),
    });
    store.saveRun(run);
    this.deps.log.info('run launched', { run: run.id, number: run.number, template: run.spec.template });
    // The card and the run start together: a slow chat must never delay the job.
    this.cardPosts.set(run.id, this.postCard(run));
    void this.startRun(run.id);
    return { ok: true, run };
  }

  private async postCard(run: Run): Promise<void> {
    const card = await this.deps.chat.postRunCard(run);
    if (!card) return;
    const latest = this.current(run);
    this.deps.store.saveRun({ ...latest, card });
    // The run may have moved on while the card was being posted.
    if (latest.state !== run.state || latest.progress) this.deps.chat.updateRunCard({ ...latest, card });
  }

  /** Stops a run; `stoppedBy` is the user who asked (the views mention them), if a person did. */
  async stop(runId: string, reason?: string, stoppedBy?: string): Promise<void> {
    const run = this.deps.store.getRun(runId);
    if (!run || isEnded(run.state)) return;
    if (!run.placement) {
      // Not handed to the runtime yet: it never starts.
      this.cancelled.add(runId);
      this.sink.update(runId, { state: 'stopped', reason, stoppedBy });
      return;
    }
    this.stopReasons.set(runId, { reason, stoppedBy });
    try {
      await this.deps.runtime.stop(run);
    } catch (err) {
      this.deps.log.error('stop failed', { run: runId, err });
      throw err;
    }
  }

  whenEnded(runId: string): Promise<Run> {
    const run = this.deps.store.getRun(runId);
    if (!run) return Promise.reject(new Error(`unknown run ${runId}`));
    if (isEnded(run.state) && run.noticeSent) return Promise.resolve(run);
    return new Promise((resolve) => {
      this.waiters.set(runId, [...(this.waiters.get(runId) ?? []), resolve]);
    });
  }

  /** Runs not yet ended, for the console's "still going" warning. */
  activeRunCount(): number {
    return this.deps.store.listRuns({ active: true }).length;
  }

  /** Resolves when no run is in flight any more (every notice sent). */
  async whenIdle(): Promise<void> {
    for (;;) {
      const active = this.deps.store.listRuns({ active: true });
      if (!active.length) break;
      await Promise.all(active.map((r) => this.whenEnded(r.id)));
    }
  }

  private current(run: Run): Run {
    return this.deps.store.getRun(run.id) ?? run;
  }

  /** Builds the image if the template asks for one, then hands the run to the runtime. */
  private async startRun(runId: string): Promise<void> {
    const { runtime, builder } = this.deps;
    let run = this.deps.store.getRun(runId);
    if (!run || isEnded(run.state)) return;
    try {
      if (run.spec.build && runtime.kind !== 'process') {
        if (!builder) {
          this.sink.update(runId, {
            state: 'failed',
            reason: `Template ${run.spec.template} needs an image build, but no Docker engine is configured; start Docker or set DOCKER_HOST.`,
          });
          return;
        }
        this.sink.update(runId, { state: 'building', reason: 'building the image' });
        const image = await builder.ensureImage(run.spec.template, run.spec.build, (p) => {
          const r = this.deps.store.getRun(runId);
          if (r?.state !== 'building' || !p.step || !p.totalSteps) return;
          this.save({ ...r, progress: { current: p.step, total: p.totalSteps, unit: 'build step' } });
        });
        run = this.deps.store.getRun(runId);
        if (!run || isEnded(run.state) || this.cancelled.has(runId)) return;
        run = { ...run, spec: { ...run.spec, image }, progress: undefined };
        this.save(run);
      }
      if (this.cancelled.has(runId)) return;
      const placement = await runtime.submit(run);
      const latest = { ...this.current(run), placement };
      this.save(latest);
      // Stopped while the job was being created: it exists now, so stop it for real.
      if (this.cancelled.has(runId)) {
        await runtime.stop(latest);
        return;
      }
      if (latest.state === 'queued' || latest.state === 'building') {
        this.sink.update(runId, { state: 'pending', reason: 'waiting to start' });
      }
    } catch (err) {
      const reason =
        err instanceof BuildError
          ? err.message
          : `It could not be started: ${err instanceof Error ? err.message : String(err)}`;
      if (err instanceof BuildError && err.lastLines.length) this.deps.logs.append(runId, err.lastLines);
      else if (!(err instanceof BuildError)) this.deps.log.error('submit failed', { run: runId, err });
      this.sink.update(runId, { state: 'failed', reason });
    } finally {
      this.cancelled.delete(runId);
    }
  }

  // ---- runtime events ------------------------------------------------------

  private save(run: Run): void {
    this.deps.store.saveRun(run);
    this.deps.chat.updateRunCard(run);
  }

  readonly sink: RuntimeSink = {
    update: (runId: string, update: RuntimeUpdate) => {
      const run = this.deps.store.getRun(runId);
      if (!run) return;
      const stop = this.stopReasons.get(runId);
      const adjusted =
        update.state === 'stopped' && stop
          ? { ...update, reason: update.reason ?? stop.reason, stoppedBy: stop.stoppedBy }
          : update;
      const next = applyUpdate(run, adjusted, update.at ?? this.now());
      if (!next) return;
      this.save(next);
      if (isEnded(next.state)) {
        this.stopReasons.delete(runId);
        this.endSeenAt.set(runId, Date.now());
        void this.finish(next);
      }
    },
    log: (runId: string, lines: string[], cursor?: string) => {
      if (!lines.length) return;
      const run = this.deps.store.getRun(runId);
      if (!run) return;
      this.deps.logs.append(runId, lines);
      const next = applyLogLines(run, lines, this.now(), this.patternFor(run));
      if (next) this.save(cursor ? { ...next, logCursor: cursor } : next);
      else if (cursor) this.deps.store.saveRun({ ...run, logCursor: cursor });
    },
  };

  private patternFor(run: Run): RegExp | undefined {
    if (!this.patterns.has(run.id))
      this.patterns.set(run.id, createProgressPattern(run.spec.progressPattern));
    return this.patterns.get(run.id);
  }

  /** Completion notice and full log, once per run even across restarts. */
  private async finish(ended: Run): Promise<void> {
    const { chat, logs, store } = this.deps;
    if (ended.noticeSent || this.finishing.has(ended.id)) return;
    this.finishing.add(ended.id);
    this.patterns.delete(ended.id);
    try {
      await this.cardPosts.get(ended.id);
      this.cardPosts.delete(ended.id);
      await logs.flush();
      const tail = await logs.tail(ended.id, NOTICE_LOG_LINES);
      const run = this.current(ended);
      await chat.postNotice(run, tail);
      const seen = this.endSeenAt.get(run.id);
      if (seen !== undefined) this.noticeLatency.observe((Date.now() - seen) / 1000);
      this.endSeenAt.delete(run.id);
      await logs.finish(run.id);
      const full = await logs.read(run.id);
      if (full && run.card) {
        await chat.uploadFile(
          run,
          `${run.spec.template}-${run.number}.log`,
          full,
          `Log of run #${run.number}`,
        );
      }
    } catch (err) {
      this.deps.log.error('completion notice failed', { run: ended.id, err });
    }
    // Marked only once the notice is out, so a crash before it means it is sent after the restart.
    const final = { ...this.current(ended), noticeSent: true };
    store.saveRun(final);
    this.finishing.delete(ended.id);
    for (const resolve of this.waiters.get(ended.id) ?? []) resolve(final);
    this.waiters.delete(ended.id);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.deps.logs.flush();
    await this.deps.store.flush();
  }
}

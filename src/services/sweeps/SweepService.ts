import type { Command } from '../../core/command/command.ts';
import type { Reply } from '../../core/reply.ts';
import { sentence, userMention } from '../../core/sentence.ts';
import { decideSweep, type TrialStop } from '../../core/sweep/decide-sweep.ts';
import {
  createSweep,
  isSweepEnded,
  requestSweepStop,
  type Sweep,
  type SweepTrial,
} from '../../core/sweep/sweep.ts';
import { seedFromSweepId } from '../../core/sweep/sweep-seed.ts';
import type { TemplateCatalog } from '../../core/template/template.ts';
import type { ChatPort, CommandOutcome, Requester } from '../../ports/chat.ts';
import type { GroupEnded, GroupEvents } from '../../ports/group-events.ts';
import type { Launcher } from '../../ports/launcher.ts';
import type { Policy } from '../../ports/policy.ts';
import type { RunEvents, Unsubscribe } from '../../ports/run-events.ts';
import type { Store } from '../../ports/store.ts';
import type { Logger } from '../../shared/log.ts';
import { SerialPasses } from '../../shared/serial-passes.ts';
import { newSweepId } from '../../shared/sweep-id.ts';
import type { Charts } from '../charts/Charts.ts';
import { refuse } from '../commands/command-module.ts';
import { activeWorkOf } from '../runs/active-work.ts';
import { launchParams } from '../runs/plan-launch.ts';
import { planSweepCommand, trialRequest } from './plan-sweep-command.ts';
import { SweepCards } from './SweepCards.ts';
import { SweepEndings } from './SweepEndings.ts';
import { TrialRuns, trialOf } from './TrialRuns.ts';

export interface SweepServiceDeps {
  store: Store;
  templates: () => Promise<TemplateCatalog>;
  launcher: Launcher;
  events: RunEvents;
  chat: ChatPort;
  policy: Policy;
  /** Posts the chart of the sweep's metric per trial after its fan-in notice (absent: no chart). */
  charts?: Pick<Charts, 'afterGroupNotice'>;
  log: Logger;
  now?: () => Date;
}

/** How long metrics of a sweep's trials gather before a pass looks at them (early stopping). */
const METRICS_PASS_MS = 200;
/** How many sweeps `/train sweeps` lists. */
const LISTED = 20;

/** Nothing more will happen to it: ended, and its fan-in notice dealt with. */
const settled = (sweep: Sweep): boolean => isSweepEnded(sweep.state) && sweep.noticeSent === true;

/**
 * Sweeps from the command to the fan-in notice. Each sweep is driven by passes of decideSweep
 * (src/core/sweep), one at a time per sweep: a pass stores the decision first, then stops and
 * launches the trials it names and updates the card; any change to a trial's run asks for another
 * pass. Everything a pass knows comes from the store, so a pass after a restart decides what the
 * lost process would have: no trial runs twice, none is skipped, one notice goes out.
 */
export class SweepService implements GroupEvents {
  private readonly cards: SweepCards;
  private readonly trialRuns: TrialRuns;
  private readonly passes: SerialPasses<string>;
  private readonly now: () => Date;
  /** Sweeps the last process left unfinished: untouched until resume(), when the runtime has synced. */
  private readonly held = new Set<string>();
  /** Sweeps that had a pass in this process (the first one also resends stops and redraws the card). */
  private readonly seen = new Set<string>();
  private readonly endings: SweepEndings;
  /** Sweeps whose notice went out and is being recorded: their end is told once it is. */
  private readonly fanningIn = new Set<string>();
  private closing = false;

  constructor(private readonly deps: SweepServiceDeps) {
    const { store, chat, log } = deps;
    this.now = deps.now ?? (() => new Date());
    this.cards = new SweepCards({ store, chat, charts: deps.charts, log });
    this.endings = new SweepEndings(log);
    this.trialRuns = new TrialRuns(store);
    this.passes = new SerialPasses(
      (id) => this.pass(id),
      (id, err) => log.error('a sweep pass failed', { sweep: id, err }),
    );
    for (const sweep of store.sweeps.list()) if (!settled(sweep)) this.held.add(sweep.id);
    deps.events.onRunChanged((run) => {
      const trial = trialOf(run);
      if (!trial) return;
      // A trial that starts or ends is acted on at once; its metrics, a log line at a time from
      // every trial, are gathered into a pass a moment later (still in time to stop it early).
      if (this.trialRuns.note(run)) this.poke(trial.sweepId);
      else this.pokeSoon(trial.sweepId);
    });
  }

  /** `/train sweep …`: checks everything, stores the sweep and starts its first trials. */
  async start(command: Extract<Command, { verb: 'sweep' }>, from: Requester): Promise<CommandOutcome> {
    const { store, policy, launcher, log } = this.deps;
    const id = newSweepId();
    const plan = planSweepCommand(await this.deps.templates(), command, {
      seed: seedFromSweepId(id),
      maxParallelTrials: policy.maxParallelTrials,
    });
    if (!plan.ok) return refuse(plan.error);
    const fields = {
      id,
      template: plan.template.name,
      definition: plan.definition,
      launchedBy: from.user,
      channel: from.channel,
    };
    // Trial 1 as it would launch: the channel's templates, the GPU cap, what the runtime can run.
    const check = await launcher.check(trialRequest({ ...fields, number: 0 }, 1, plan.firstTrial));
    if (!check.ok) return refuse(check.error);
    // The whole sweep counts as one run against the concurrent-runs limit.
    const refusal = policy.checkLaunch(from.user, from.channel, check.spec, this.activeWorkOf(from.user));
    if (refusal) return refuse(refusal);

    const sweep = createSweep({
      ...fields,
      number: store.nextRunNumber(),
      createdAt: this.now().toISOString(),
    });
    store.sweeps.save(sweep);
    // On disk before anyone hears of it: a sweep people were told about survives a kill -9.
    await store.flush();
    log.info('sweep launched', { sweep: id, number: sweep.number, trials: plan.definition.trials });
    this.poke(id);
    // `console -e` waits for the sweep's end: it succeeded when its best trial did.
    const groups = [async () => (await this.whenEnded(id)).state === 'succeeded'];
    return plan.notes.length
      ? { reply: { kind: 'info', text: plan.notes.join(' ') }, started: [], groups }
      : { started: [], groups };
  }

  /** `stop <sweep>` and the Stop sweep button: every trial ends and no new one starts. */
  stop(sweep: Sweep, user: string): Reply {
    if (isSweepEnded(sweep.state)) {
      return {
        kind: 'info',
        text: `Sweep #${sweep.number} already ended (${sweep.state}); nothing to stop.`,
      };
    }
    if (!this.deps.policy.mayStop(user, sweep)) {
      return {
        kind: 'error',
        text: sentence`Only ${userMention(sweep.launchedBy)} or an admin can stop sweep #${sweep.number}.`,
      };
    }
    const latest = this.deps.store.sweeps.get(sweep.id) ?? sweep;
    if (latest.stopRequest) return { kind: 'info', text: `Sweep #${sweep.number} is already stopping.` };
    this.deps.store.sweeps.save(requestSweepStop(latest, user, this.now()));
    this.poke(sweep.id);
    return {
      kind: 'info',
      text: `Stopping sweep #${sweep.number}: its trials are stopped and no new one starts.`,
    };
  }

  /** The sweeps for `/train sweeps`: those going first, then the latest ended ones (20 at most). */
  list(): Sweep[] {
    const { sweeps } = this.deps.store;
    const active = sweeps.list({ active: true, limit: LISTED });
    const ended = sweeps.list({ active: false, limit: Math.max(0, LISTED - active.length) });
    return [...active, ...ended];
  }

  /**
   * Picks up the sweeps the last process left: call once the runtime has synced and the runs it
   * was about to start were started, so every trial's run is where it is.
   */
  resume(): void {
    const ids = [...this.held];
    this.held.clear();
    if (ids.length) this.deps.log.info('resuming sweeps', { count: ids.length });
    for (const id of ids) this.poke(id);
  }

  onGroupEnded(listener: (ended: GroupEnded) => void): Unsubscribe {
    return this.endings.onGroupEnded(listener);
  }

  /** Resolves with the sweep once it has ended and its notice is dealt with (at once if it has). */
  whenEnded(sweepId: string): Promise<Sweep> {
    const sweep = this.deps.store.sweeps.get(sweepId);
    if (!sweep) return Promise.reject(new Error(`unknown sweep ${sweepId}`));
    if (settled(sweep) && !this.fanningIn.has(sweepId)) return Promise.resolve(sweep);
    return this.endings.wait(sweepId);
  }

  /** Resolves when no sweep is going any more. */
  async whenIdle(): Promise<void> {
    for (;;) {
      const going = this.deps.store.sweeps.list().filter((s) => !settled(s));
      if (!going.length) return;
      await Promise.all(going.map((s) => this.whenEnded(s.id)));
    }
  }

  /** No new passes: the bot is shutting down (what is left is picked up after the next start). */
  close(): void {
    this.closing = true;
    this.passes.stop();
  }

  private poke(sweepId: string): void {
    if (this.closing || this.held.has(sweepId)) return;
    this.passes.poke(sweepId);
  }

  private pokeSoon(sweepId: string): void {
    if (this.closing || this.held.has(sweepId)) return;
    this.passes.pokeSoon(sweepId, METRICS_PASS_MS);
  }

  /** One decision for the sweep, carried out. */
  private async pass(id: string): Promise<void> {
    const { store } = this.deps;
    const before = store.sweeps.get(id);
    if (!before || settled(before) || this.closing) return;
    const runs = await this.trialRuns.runsOf(before);
    // The latest record: its card or a stop request may have been stored meanwhile.
    const sweep = store.sweeps.get(id) ?? before;
    const decision = decideSweep(sweep, runs, this.now());
    // Stored before any run is created: a trial counts against --parallel from here on.
    if (decision.changed) store.sweeps.save(decision.sweep);
    const first = !this.seen.has(id);
    this.seen.add(id);
    // Stops decided before a restart were lost with the process that asked: ask once more.
    for (const stop of first ? [...decision.stop, ...decision.stillStopping] : decision.stop)
      this.stopTrial(stop);
    if (!decision.finished && (decision.changed || first)) this.cards.show(decision.sweep);
    for (const trial of decision.launch) await this.launchTrial(id, trial);
    // The new runs are in the index now: the next pass records them on their trials.
    if (decision.launch.length) this.poke(id);
    if (decision.notice) await this.fanIn(id);
  }

  private stopTrial(stop: TrialStop): void {
    this.deps.launcher
      .stop(stop.runId, stop.reason, stop.stoppedBy)
      .catch((err: unknown) => this.deps.log.error('stopping a trial failed', { run: stop.runId, err }));
  }

  private async launchTrial(id: string, trial: SweepTrial): Promise<void> {
    const { store, launcher, log } = this.deps;
    const sweep = store.sweeps.get(id);
    // Stopped while earlier trials were launched: the next pass ends this one unlaunched.
    if (!sweep || sweep.stopRequest || this.closing) return;
    const result = await launcher.launch(trialRequest(sweep, trial.index, launchParams(trial.params)));
    if (result.ok) {
      this.trialRuns.note(result.run);
      return;
    }
    // Refused (the policy, or the template changed since the sweep began): the trial fails with
    // the sentence and has no run; three such at the start end the sweep.
    log.warn('a sweep trial was refused', { sweep: id, trial: trial.index, reason: result.error });
    const latest = store.sweeps.get(id) ?? sweep;
    const trials = latest.trials.map(
      (t): SweepTrial => (t.index === trial.index ? { ...t, state: 'failed', reason: result.error } : t),
    );
    store.sweeps.save({ ...latest, trials });
  }

  /** The final card and the fan-in notice, once; then the sweep is settled. */
  private async fanIn(id: string): Promise<void> {
    const { store } = this.deps;
    const sweep = store.sweeps.get(id);
    if (!sweep) return;
    // Unsent when the chat shut down first: still owed, and sent after the next start.
    if (!(await this.cards.fanIn(sweep))) return;
    this.fanningIn.add(id);
    const done: Sweep = { ...(store.sweeps.get(id) ?? sweep), noticeSent: true };
    store.sweeps.save(done);
    this.trialRuns.forget(id);
    this.deps.log.info('sweep ended', { sweep: id, number: done.number, state: done.state });
    try {
      // On disk at once: a restart finds the notice sent. (A kill between Slack taking the
      // notice and this write, a few milliseconds, sends it again: at least once, as for runs.)
      await store.flush();
    } finally {
      this.fanningIn.delete(id);
      this.endings.told(done);
    }
  }

  /** The user's work against the concurrent-runs limit: their runs, each sweep counted once. */
  private activeWorkOf(user: string): number {
    const { store } = this.deps;
    const active = store.listRuns({ active: true });
    const counted = new Set(active.flatMap((r) => (r.launchedBy === user && r.parent ? [r.parent.id] : [])));
    const idle = store.sweeps
      .list({ active: true })
      .filter((s) => s.launchedBy === user && !counted.has(s.id));
    return activeWorkOf(active, user) + idle.length;
  }
}

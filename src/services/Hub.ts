import { isEnded } from '../core/run/run.ts';
import type { ChartRenderer } from '../ports/chart-renderer.ts';
import type { ChatHandlers } from '../ports/chat.ts';
import type { GroupEnded, GroupEvents } from '../ports/group-events.ts';
import type { Unsubscribe } from '../ports/run-events.ts';
import { Charts } from './charts/Charts.ts';
import { ChartCommand } from './charts/chart-command.ts';
import { CommandDispatcher } from './commands/CommandDispatcher.ts';
import type { ButtonModule, CommandModule } from './commands/command-module.ts';
import { LaunchCommand } from './commands/launch-command.ts';
import { LineageCommand } from './commands/lineage-command.ts';
import { RunActions } from './commands/RunActions.ts';
import { RunButtons } from './commands/run-buttons.ts';
import { RunCommands } from './commands/run-commands.ts';
import { ScheduleButtons, ScheduleCommands } from './commands/schedule-commands.ts';
import { FormSubmissions } from './forms/FormSubmissions.ts';
import { FormButtons, NewRunCommand } from './forms/form-openers.ts';
import { HomeService } from './home/HomeService.ts';
import { PipelineService } from './pipelines/PipelineService.ts';
import { PipelineCommands } from './pipelines/pipeline-commands.ts';
import { RunService, type RunServiceDeps } from './runs/RunService.ts';
import { Recovery, takeSnapshot } from './runs/recovery.ts';
import { CronScheduler } from './scheduler/CronScheduler.ts';
import { SweepService } from './sweeps/SweepService.ts';
import { SweepButtons, SweepCommands } from './sweeps/sweep-commands.ts';

/** What the run service takes (store, templates, runtime, chat, policy, logs, builder ...), and: */
export interface HubDeps extends Omit<RunServiceDeps, 'charts'> {
  /** Zone of schedules created without --tz, and the shortest interval between their fires. */
  schedules: { timezone: string; minIntervalSeconds: number };
  /** How long shutdown keeps delivering final card states and notices (default 10 s). */
  closeWithinMs?: number;
  /** Draws charts (absent: no charts; `/train chart` says so). */
  charts?: ChartRenderer;
  /** Least time between two refreshes of one person's Home tab (default 10 s). */
  homeRefreshMs?: number;
}

const CLOSE_WITHIN_MS = 10_000;
/** After the chat closed, how long completions still under way get to record what they delivered. */
const SETTLE_MS = 1_000;

/**
 * The services of the bot, wired together: the command dispatcher (the door both chats enter
 * by) with one module per verb group, the run service, recovery and the scheduler. It knows only
 * the ports; src/app builds the adapters and hands them in.
 */
export class Hub implements GroupEvents {
  readonly runs: RunService;
  readonly pipelines: PipelineService;
  readonly scheduler: CronScheduler;
  readonly sweeps: SweepService;
  /** Charts of runs and groups, when a renderer was given (sweeps post their fan-in chart through it). */
  readonly charts?: Charts;
  readonly home: HomeService;
  /** What chat adapters deliver to. */
  readonly door: ChatHandlers;
  private readonly recovery: Recovery;
  private resumed = false;
  private closing = false;
  private resumePass: Promise<void> = Promise.resolve();

  constructor(private readonly deps: HubDeps) {
    const { store, chat, policy, log, runtime, templates } = deps;
    this.charts = deps.charts
      ? new Charts({ renderer: deps.charts, chat, log: log.child({ part: 'charts' }) })
      : undefined;
    this.runs = new RunService({ ...deps, charts: this.charts });
    this.scheduler = new CronScheduler({
      store,
      launcher: this.runs,
      chat,
      policy,
      log: log.child({ part: 'scheduler' }),
      ...deps.schedules,
      now: deps.now,
    });
    this.pipelines = new PipelineService({
      store,
      templates,
      launcher: this.runs,
      events: this.runs,
      chat,
      logs: deps.logs,
      log: log.child({ part: 'pipelines' }),
      now: deps.now,
    });
    this.home = new HomeService({
      store,
      templates,
      policy,
      chat,
      events: this.runs,
      log: log.child({ part: 'home' }),
      refreshMs: deps.homeRefreshMs,
    });
    this.sweeps = new SweepService({
      store,
      templates,
      launcher: this.runs,
      events: this.runs,
      chat,
      charts: this.charts,
      policy,
      log: log.child({ part: 'sweeps' }),
      now: deps.now,
    });
    const actions = new RunActions({ launcher: this.runs, logs: deps.logs, runtime, policy });
    const sweepDeps = { store, sweeps: this.sweeps, actions, launcher: this.runs, chat };
    const sweepCommands = new SweepCommands(sweepDeps);
    const pipelineCommands = new PipelineCommands({
      store,
      pipelines: this.pipelines,
      policy,
      logsOf: (run) => actions.logs(run),
    });
    const commands: CommandModule[] = [
      new RunCommands({ store, templates, actions, groups: [pipelineCommands, sweepCommands] }),
      new LaunchCommand(this.runs, { templates, service: this.pipelines }),
      new ScheduleCommands(this.scheduler),
      new LineageCommand({ store }),
      new NewRunCommand({ templates, policy, chat }),
      sweepCommands,
    ];
    if (this.charts) commands.push(new ChartCommand({ store, charts: this.charts, chat }));
    const buttons: ButtonModule[] = [
      new RunButtons({ store, chat, actions }),
      new ScheduleButtons(this.scheduler),
      new FormButtons({ store, templates, policy, chat }),
      new SweepButtons(sweepDeps),
    ];
    this.door = new CommandDispatcher({
      store,
      templates,
      chat,
      log,
      commands,
      buttons,
      forms: new FormSubmissions({
        store,
        templates,
        launcher: this.runs,
        log: log.child({ part: 'forms' }),
      }),
      home: this.home,
    });
    this.recovery = new Recovery({ runtime, store, logs: deps.logs, runs: this.runs, log });
  }

  /** True once the runs interrupted by the last shutdown were resumed (with the runtime in sync: ready for /readyz). */
  ready(): boolean {
    return this.resumed && this.deps.runtime.ready();
  }

  /**
   * The hook for what a group's fan-in gets beyond its notice: called once per sweep when its
   * notice went out, with the sweep and its card's thread.
   */
  onGroupEnded(listener: (ended: GroupEnded) => void): Unsubscribe {
    return this.sweeps.onGroupEnded(listener);
  }

  /** Resolves once no run, no sweep and no pipeline is going (console input that ended waits for this). */
  async whenIdle(): Promise<void> {
    for (let again = true; again; ) {
      await this.sweeps.whenIdle();
      await this.runs.whenIdle();
      await this.pipelines.whenIdle();
      // A pipeline's last decision may have started runs after the runs looked idle.
      again = this.deps.store.listRuns({ active: true }).length > 0;
    }
  }

  /**
   * Stops everything still going and resolves once every run has ended and been reported: sweeps
   * and pipelines first, so that they start nothing new, then every run. For a console that closes.
   */
  async stopAll(reason: string, by: string): Promise<void> {
    const { store } = this.deps;
    for (const sweep of store.sweeps.list({ active: true })) this.sweeps.stop(sweep, by);
    await Promise.all(store.pipelines.list({ active: true }).map((p) => this.pipelines.stop(p.id, by)));
    await this.runs.stopAll(reason, by);
  }

  /** Resolves once the charts under way were posted or skipped (`console -e` prints its run's chart before it exits). */
  async whenChartsDrawn(): Promise<void> {
    await this.charts?.idle();
  }

  /** Resolves once the resume pass is over. */
  whenResumed(): Promise<void> {
    return this.resumePass;
  }

  /**
   * Starts the runtime and re-attaches to runs in flight, opens the chat at once, and does the
   * rest in the background: cards and notices owed from before, runs interrupted before they
   * reached the runtime (once it has synced), schedules and their missed fires.
   */
  async start(): Promise<void> {
    const { runtime, chat, log } = this.deps;
    // Before anything can create runs: recovery is about these and no others.
    const snapshot = takeSnapshot(this.deps.store);
    await runtime.start(this.runs.sink);
    await this.recovery.reattach(snapshot);
    // A shutdown that came while the runtime started: open nothing more.
    if (this.closing) return;
    this.recovery.catchUp(snapshot);
    this.resumePass = this.recovery
      .resumeInterrupted(snapshot)
      .catch((err: unknown) => log.error('resuming interrupted runs failed', { err }))
      // Pipelines are decided again once the runtime has synced: every step run that ended while
      // the bot was down has been reported by then.
      .then(() => this.deps.runtime.whenSynced())
      .then(() => {
        // Sweeps decide from their trials' runs too, which are where they are by now.
        this.sweeps.resume();
        return this.pipelines.resume();
      })
      .catch((err: unknown) => log.error('resuming pipelines and sweeps failed', { err }))
      .finally(() => {
        this.resumed = true;
      });
    this.scheduler.start().catch((err: unknown) => log.error('restoring schedules failed', { err }));
    await chat.start(this.door);
  }

  /**
   * Shuts down within a bound: no new fires or commands, the runtime stops watching, and the chat
   * delivers final card states and notices for at most `closeWithinMs`. Cards left out of date are
   * noted on their runs and notices left unsent stay owed: both go out after the next start.
   */
  async close(): Promise<void> {
    const { runtime, chat, store, logs } = this.deps;
    this.closing = true;
    this.home.close();
    this.sweeps.close();
    const schedulerClosed = this.scheduler.close();
    await runtime.close();
    const left = await chat.close(this.deps.closeWithinMs ?? CLOSE_WITHIN_MS);
    this.runs.cards.markStale(left.staleCards);
    await schedulerClosed;
    await this.runs.completion.settle(SETTLE_MS);
    await logs.flush();
    await store.flush();
    const noticesOwed = store.listRuns().filter((run) => isEnded(run.state) && !run.noticeSent).length;
    this.deps.log.info('shut down', { staleCards: left.staleCards.length, noticesOwed });
  }
}

import { isEnded } from '../core/run/run.ts';
import type { TemplateCatalog } from '../core/template/template.ts';
import type { ChatHandlers, ChatPort, GroupRef } from '../ports/chat.ts';
import type { GroupEnded, GroupEvents } from '../ports/group-events.ts';
import type { ImageBuilder } from '../ports/image-builder.ts';
import type { LogArchive } from '../ports/log-archive.ts';
import type { Metrics } from '../ports/metrics.ts';
import type { Policy } from '../ports/policy.ts';
import type { Unsubscribe } from '../ports/run-events.ts';
import type { Runtime } from '../ports/runtime.ts';
import type { Store } from '../ports/store.ts';
import type { Logger } from '../shared/log.ts';
import { CommandDispatcher } from './commands/CommandDispatcher.ts';
import { HoldingAnswers } from './commands/holding-answers.ts';
import { LaunchCommand } from './commands/launch-command.ts';
import { RunActions } from './commands/RunActions.ts';
import { RunButtons } from './commands/run-buttons.ts';
import { RunCommands } from './commands/run-commands.ts';
import { ScheduleButtons, ScheduleCommands } from './commands/schedule-commands.ts';
import { RunService } from './runs/RunService.ts';
import { Recovery, takeSnapshot } from './runs/recovery.ts';
import { CronScheduler } from './scheduler/CronScheduler.ts';
import { SweepService } from './sweeps/SweepService.ts';
import { SweepButtons, SweepCommands } from './sweeps/sweep-commands.ts';

export interface HubDeps {
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
  /** Zone of schedules created without --tz, and the shortest interval between their fires. */
  schedules: { timezone: string; minIntervalSeconds: number };
  now?: () => Date;
  /** How long shutdown keeps delivering final card states and notices (default 10 s). */
  closeWithinMs?: number;
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
  readonly scheduler: CronScheduler;
  readonly sweeps: SweepService;
  /** What chat adapters deliver to. */
  readonly door: ChatHandlers;
  private readonly recovery: Recovery;
  private resumed = false;
  private closing = false;
  private resumePass: Promise<void> = Promise.resolve();

  constructor(private readonly deps: HubDeps) {
    const { store, chat, policy, log, runtime } = deps;
    this.runs = new RunService(deps);
    this.scheduler = new CronScheduler({
      store,
      launcher: this.runs,
      chat,
      policy,
      log: log.child({ part: 'scheduler' }),
      ...deps.schedules,
      now: deps.now,
    });
    this.sweeps = new SweepService({
      store,
      templates: deps.templates,
      launcher: this.runs,
      events: this.runs,
      chat,
      policy,
      log: log.child({ part: 'sweeps' }),
      now: deps.now,
    });
    const actions = new RunActions({ launcher: this.runs, logs: deps.logs, runtime, policy });
    const sweepDeps = { store, sweeps: this.sweeps, actions, launcher: this.runs, chat };
    const sweepCommands = new SweepCommands(sweepDeps);
    this.door = new CommandDispatcher({
      store,
      templates: deps.templates,
      chat,
      log,
      commands: [
        new RunCommands({ store, templates: deps.templates, actions, groups: [sweepCommands] }),
        new LaunchCommand(this.runs),
        new ScheduleCommands(this.scheduler),
        sweepCommands,
        new HoldingAnswers(),
      ],
      buttons: [
        new RunButtons({ store, chat, actions }),
        new ScheduleButtons(this.scheduler),
        new SweepButtons(sweepDeps),
      ],
    });
    this.recovery = new Recovery({ runtime, store, logs: deps.logs, runs: this.runs, log });
  }

  /** True once the runs interrupted by the last shutdown were resumed (with the runtime in sync: ready for /readyz). */
  ready(): boolean {
    return this.resumed && this.deps.runtime.ready();
  }

  /** Resolves once the resume pass is over. */
  whenResumed(): Promise<void> {
    return this.resumePass;
  }

  /**
   * The hook for what a group's fan-in gets beyond its notice (the chart of a sweep's metric per
   * trial): called once per group when its notice went out, with the group and its card's thread.
   */
  onGroupEnded(listener: (ended: GroupEnded) => void): Unsubscribe {
    return this.sweeps.onGroupEnded(listener);
  }

  /** Resolves when a group a command started has ended and reported: true if it succeeded. */
  async whenGroupEnded(group: GroupRef): Promise<boolean> {
    if (group.kind !== 'sweep') throw new Error(`no ${group.kind} service to wait on`);
    return (await this.sweeps.whenEnded(group.id)).state === 'succeeded';
  }

  /** Resolves when no run and no sweep is in flight any more. */
  async whenIdle(): Promise<void> {
    await this.sweeps.whenIdle();
    await this.runs.whenIdle();
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
      // Sweeps decide from their trials' runs, which are where they are once the runtime synced
      // and the runs it was about to start were started.
      .then(() => runtime.whenSynced())
      .then(() => this.sweeps.resume())
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

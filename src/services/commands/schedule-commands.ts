import { ACTIONS } from '../../core/actions.ts';
import type { Command } from '../../core/command/command.ts';
import type { Reply } from '../../core/reply.ts';
import type { CommandOutcome, Requester } from '../../ports/chat.ts';
import type { ScheduleCommand, Scheduler } from '../../ports/scheduler.ts';
import { answer, type ButtonModule, type CommandModule } from './command-module.ts';

const SCHEDULE_VERBS = ['schedule', 'schedules', 'unschedule', 'pause', 'resume'] as const;

/** The schedule verbs, carried out by the scheduler. */
export class ScheduleCommands implements CommandModule<ScheduleCommand['verb']> {
  readonly verbs = SCHEDULE_VERBS;

  constructor(private readonly scheduler: Pick<Scheduler, 'execute'>) {}

  async handle(
    command: Extract<Command, { verb: ScheduleCommand['verb'] }>,
    from: Requester,
  ): Promise<CommandOutcome> {
    return answer(await this.scheduler.execute(command, from));
  }
}

/** The buttons on a schedule card: Run now, Pause/Resume and Delete. */
export class ScheduleButtons implements ButtonModule {
  readonly actions = [
    ACTIONS.scheduleRunNow,
    ACTIONS.schedulePause,
    ACTIONS.scheduleResume,
    ACTIONS.scheduleDelete,
  ];

  constructor(private readonly scheduler: Pick<Scheduler, 'execute' | 'runNow'>) {}

  press(action: string, name: string, from: Requester): Promise<Reply> {
    switch (action) {
      case ACTIONS.schedulePause:
        return this.scheduler.execute({ verb: 'pause', name }, from);
      case ACTIONS.scheduleResume:
        return this.scheduler.execute({ verb: 'resume', name }, from);
      case ACTIONS.scheduleDelete:
        return this.scheduler.execute({ verb: 'unschedule', name }, from);
      default:
        return this.scheduler.runNow(name, from);
    }
  }
}

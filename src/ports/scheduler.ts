import type { Command } from '../core/command/command.ts';
import type { Reply } from '../core/reply.ts';
import type { Requester } from './chat.ts';

export type ScheduleCommand = Extract<
  Command,
  { verb: 'schedule' | 'schedules' | 'unschedule' | 'pause' | 'resume' }
>;

/** Cron schedules. Implementation: CronScheduler (node-cron). */
export interface Scheduler {
  /** Restores stored schedules, handles missed fires, registers tasks. */
  start(): Promise<void>;
  execute(command: ScheduleCommand, from: Requester): Promise<Reply>;
  /** Button actions on a schedule card. */
  runNow(name: string, from: Requester): Promise<Reply>;
  close(): Promise<void>;
}

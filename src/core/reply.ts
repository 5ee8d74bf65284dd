import type { Run } from './run/run.ts';
import type { Schedule } from './schedule/schedule.ts';
import type { Template } from './template/template.ts';

/**
 * What the bot answers to a command, independent of the chat. Chat adapters render it
 * (Block Kit in Slack, text in the console) with the pure views in src/views.
 */
export type Reply =
  | { kind: 'error'; text: string }
  | { kind: 'info'; text: string }
  | { kind: 'help' }
  | { kind: 'templates'; templates: Template[] }
  | { kind: 'runs'; runs: Run[] }
  | { kind: 'run'; run: Run }
  | { kind: 'logs'; run: Run; lines: string[] }
  | { kind: 'schedule'; schedule: Schedule; nextFires: Date[]; description: string }
  | { kind: 'schedules'; schedules: { schedule: Schedule; nextFire?: Date; lastRun?: Run }[] };

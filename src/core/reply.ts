import type { LineageTree } from './lineage/lineage-tree.ts';
import type { Pipeline } from './pipeline/pipeline.ts';
import type { PipelineRun } from './pipeline/pipeline-run.ts';
import type { Run } from './run/run.ts';
import type { Schedule } from './schedule/schedule.ts';
import type { Sentence } from './sentence.ts';
import type { Sweep } from './sweep/sweep.ts';
import type { Template } from './template/template.ts';

/**
 * What the bot answers to a command, independent of the chat. Chat adapters render it
 * (Block Kit in Slack, text in the console) with the pure views in src/views.
 *
 * Every string here is plain text, whoever wrote it (user input quoted in an error, a schedule
 * name, a template's description): the views escape it. Trainyard's own markup (a mention, a
 * command as code) is written as parts of a Sentence, never as `<@…>` or backticks in a string.
 */
export type Reply =
  | { kind: 'error'; text: Sentence }
  | { kind: 'info'; text: Sentence }
  | { kind: 'help' }
  | { kind: 'templates'; templates: Template[]; pipelines?: Pipeline[] }
  | { kind: 'runs'; runs: Run[] }
  | { kind: 'run'; run: Run }
  | { kind: 'logs'; run: Run; lines: string[] }
  | { kind: 'schedule'; schedule: Schedule; nextFires: Date[]; description: string }
  | { kind: 'schedules'; schedules: { schedule: Schedule; nextFire?: Date; lastRun?: Run }[] }
  /** `status <sweep number>`: the sweep card. */
  | { kind: 'sweep'; sweep: Sweep }
  | { kind: 'sweeps'; sweeps: Sweep[] }
  /** `status <pipeline number>`: the pipeline card, with the step runs it shows. */
  | { kind: 'pipeline'; pipeline: PipelineRun; runs: Run[] }
  /** `lineage <run>`: the runs behind it, up to its roots. */
  | { kind: 'lineage'; tree: LineageTree }
  /** `chart <run>`: the run's chart was posted (in its card's thread, or the channel of a run without one). */
  | { kind: 'chart'; run: Run };

import type { Run } from '../core/run/run.ts';
import type { Schedule } from '../core/schedule/schedule.ts';
import type { Sentence } from '../core/sentence.ts';
import type { Template } from '../core/template/template.ts';

/** What one person's Home tab shows (Slack's App Home), gathered by the hub for the chat to draw. */
export interface HomeContent {
  now: Date;
  /** Their runs that have not ended, newest first. */
  active: Run[];
  /** Their last ended runs, newest first. */
  recent: Run[];
  /** Their schedules, with the next fire of those not paused. */
  schedules: { schedule: Schedule; nextFire?: Date }[];
  /** The templates they may launch in some channel. */
  templates: Template[];
  /** The objective metric of a template, which its results are summed up by. */
  objectiveOf?: (template: string) => string | undefined;
  /**
   * The answer to what they just pressed in the tab (there is no other place to answer a press
   * there), shown at its top.
   */
  note?: { kind: 'error' | 'info'; text: Sentence };
}

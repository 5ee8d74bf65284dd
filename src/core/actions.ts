/**
 * Button actions, shared by the chat views that draw buttons and the handlers that answer them.
 * The button's value carries the run id or schedule name.
 */
export const ACTIONS = {
  stop: 'run_stop',
  rerun: 'run_rerun',
  logs: 'run_logs',
  scheduleRunNow: 'schedule_run_now',
  schedulePause: 'schedule_pause',
  scheduleResume: 'schedule_resume',
  scheduleDelete: 'schedule_delete',
} as const;

export const ACTION_IDS: ReadonlySet<string> = new Set(Object.values(ACTIONS));

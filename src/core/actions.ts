/**
 * Button actions, shared by the chat views that draw buttons and the handlers that answer them.
 * The button's value carries the run id, schedule name or sweep id.
 */
export const ACTIONS = {
  stop: 'run_stop',
  rerun: 'run_rerun',
  logs: 'run_logs',
  scheduleRunNow: 'schedule_run_now',
  schedulePause: 'schedule_pause',
  scheduleResume: 'schedule_resume',
  scheduleDelete: 'schedule_delete',
  /** Sweep buttons carry the sweep id; the best trial is looked up when pressed. */
  sweepStop: 'sweep_stop',
  sweepLogsOfBest: 'sweep_logs_best',
  sweepRerunBest: 'sweep_rerun_best',
} as const;

export const ACTION_IDS: ReadonlySet<string> = new Set(Object.values(ACTIONS));

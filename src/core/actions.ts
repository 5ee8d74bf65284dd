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
  /** Opens the param form pre-filled with an ended run's values (value: the run id). */
  rerunForm: 'run_rerun_form',
  /** Home tab: opens the launch form of a template (value: the template name). */
  launchForm: 'template_launch_form',
  /** `/train new`: the template select (a block_actions with its selected option, the template name). */
  pickTemplate: 'new_run_template',
} as const;

export const ACTION_IDS: ReadonlySet<string> = new Set(Object.values(ACTIONS));

/** callback_id of Trainyard's modals; a view_submission with any other one is not Trainyard's. */
export const VIEWS = {
  /** The param form (a launch, a rerun with changes, or `/train new` once a template is chosen). */
  launchForm: 'launch_form',
} as const;

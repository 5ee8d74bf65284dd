/**
 * A parsed `/train` command. Param values stay raw strings here: only the template knows
 * their types, so typing happens in resolveParams.
 */
export type RawParams = Record<string, string>;

/** `--option value` pairs given on a launch (e.g. `--gpu 2`); interpreted by the orchestrator. */
export type RawOptions = Record<string, string>;

export type RunRef = { kind: 'number'; number: number } | { kind: 'id'; id: string };

export type SchedulePolicy = 'forbid' | 'allow' | 'replace';

export type Command =
  | { verb: 'launch'; template: string; params: RawParams; options: RawOptions }
  | { verb: 'help' }
  | { verb: 'templates' }
  | { verb: 'list' }
  | { verb: 'status'; run: RunRef }
  | { verb: 'logs'; run: RunRef }
  | { verb: 'stop'; run: RunRef }
  | { verb: 'rerun'; run: RunRef; params: RawParams }
  | {
      verb: 'schedule';
      cron: string;
      template: string;
      params: RawParams;
      name?: string;
      timezone?: string;
      policy?: SchedulePolicy;
    }
  | { verb: 'schedules' }
  | { verb: 'unschedule'; name: string }
  | { verb: 'pause'; name: string }
  | { verb: 'resume'; name: string }
  | { verb: 'lineage'; run: RunRef }
  /** Params may hold search spaces (`lr=[0.01,0.1]`); planSweep reads them and the options. */
  | { verb: 'sweep'; template: string; params: RawParams; options: RawOptions }
  | { verb: 'sweeps' }
  /** The chart of a run's metrics (a picture in Slack; sparklines and a saved PNG in the console). */
  | { verb: 'chart'; run: RunRef }
  /** Opens the launch form (Slack): choose a template, fill in its params. */
  | { verb: 'new' };

export type Verb = Command['verb'];

/** Either a command or one plain sentence saying what is wrong and what would be right. */
export type ParseResult = { ok: true; command: Command } | { ok: false; error: string };

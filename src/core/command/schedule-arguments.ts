import { plural } from '../plural.ts';
import { checkScheduleName } from '../schedule/schedule-name.ts';
import { canonicalTimeZone, knownTimeZones } from '../schedule/zoned-time.ts';
import type { SchedulePolicy } from './command.ts';
import { CommandError } from './command-error.ts';
import { didYouMean } from './suggest.ts';
import { showInput, type Token } from './tokenize.ts';

/** The arguments of the schedule verbs: cron expression, schedule names, --tz and --policy. */

const SCHEDULE_POLICIES: readonly SchedulePolicy[] = ['forbid', 'allow', 'replace'];

/** The cron expression comes first and, having spaces, in quotes; its spacing is normalized. */
export function parseCron(word: Token | undefined): string {
  const example = '/train schedule "0 6 * * *" demo';
  if (!word) {
    throw new CommandError(`schedule needs a cron expression in quotes and a template, e.g. ${example}.`);
  }
  if (!word.quoted && !word.text.startsWith('@')) {
    throw new CommandError(
      `schedule needs the cron expression first and in quotes, e.g. ${example}, but found ${showInput(word.raw)}.`,
    );
  }
  const fields = word.text.trim().split(/\s+/).filter(Boolean);
  if (fields.length === 0) {
    throw new CommandError(`The cron expression is empty; write five fields in quotes, e.g. ${example}.`);
  }
  if (!fields[0].startsWith('@') && fields.length !== 5 && fields.length !== 6) {
    throw new CommandError(
      `The cron expression ${showInput(word.text)} has ${plural(fields.length, 'field')}; write five (minute hour day month weekday) or six with seconds first, e.g. "0 6 * * *".`,
    );
  }
  return fields.join(' ');
}

/** Schedule names follow the scheduler's own rule (they become Kubernetes label values). */
export function requireScheduleName(name: string): string {
  const problem = checkScheduleName(name);
  if (problem) throw new CommandError(problem);
  return name;
}

export function checkTimeZone(zone: string): string {
  const canonical = canonicalTimeZone(zone);
  if (canonical) return canonical;
  throw new CommandError(
    `${showInput(zone)} is not a time zone; use an IANA name such as Europe/Berlin, America/New_York or UTC.${didYouMean(zone, knownTimeZones())}`,
  );
}

export function checkPolicy(value: string): SchedulePolicy {
  const policy = SCHEDULE_POLICIES.find((p) => p === value.toLowerCase());
  if (policy) return policy;
  throw new CommandError(
    `--policy must be forbid, allow or replace, not ${showInput(value)}.${didYouMean(value, SCHEDULE_POLICIES)}`,
  );
}

export function parseScheduleNameArgument(verb: string, rest: Token[]): string {
  if (rest.length === 0) {
    throw new CommandError(
      `${verb} needs a schedule name, e.g. /train ${verb} nightly; /train schedules lists them.`,
    );
  }
  if (rest.length > 1) {
    throw new CommandError(
      `${verb} takes one schedule name, e.g. /train ${verb} nightly; remove ${showInput(rest[1].raw)}.`,
    );
  }
  return requireScheduleName(rest[0].text);
}

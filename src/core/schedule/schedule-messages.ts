/** What a schedule says in its channel. Pure sentences, so they are tested and shared by every chat. */

/**
 * `02:00` when `at` is on the same day as `now` in the zone, `Sat 28 Nov 02:00` otherwise;
 * seconds are shown only for second-level schedules.
 */
export function formatFireTime(at: Date, timezone: string, now?: Date): string {
  const clock = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    hour: '2-digit',
    minute: '2-digit',
    second: at.getUTCSeconds() !== 0 ? '2-digit' : undefined,
    hourCycle: 'h23',
  }).format(at);
  const day = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
  });
  if (now && day.format(now) === day.format(at)) return clock;
  return `${day.format(at).replaceAll(',', '')} ${clock}`;
}

/** `Sun 29 Mar 2026 03:00 CEST`: a full date, for cards and lists (with seconds for second-level schedules). */
export function formatFireDate(at: Date, timezone: string, withSeconds = false): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: withSeconds ? '2-digit' : undefined,
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).format(at);
  return parts.replaceAll(',', '');
}

function minutesLate(scheduledAt: Date, now: Date): string {
  const minutes = Math.max(0, Math.round((now.getTime() - scheduledAt.getTime()) / 60_000));
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

export const scheduleMessages = {
  started: (name: string, runNumber: number) => `⏰ ${name} started run #${runNumber}`,

  startedLate: (name: string, runNumber: number, scheduledAt: Date, timezone: string, now: Date) =>
    `⏰ ${name}: running the ${formatFireTime(scheduledAt, timezone, now)} run ${minutesLate(scheduledAt, now)} late (Trainyard was down) as run #${runNumber}`,

  stillRunning: (name: string, runNumber: number) => `⏰ ${name} skipped: run #${runNumber} is still running`,

  replaced: (name: string, stopped: number, runNumber: number) =>
    `⏰ ${name} stopped run #${stopped} and started run #${runNumber}`,

  launchFailed: (name: string, error: string) => `⚠️ ${name} skipped this run: ${error}`,

  missed: (name: string, skipped: Date[], count: number, timezone: string) => {
    const runs = count === 1 ? '1 run was' : `${count} runs were`;
    const listed = skipped.map((d) => formatFireTime(d, timezone)).join(', ');
    const more = count > skipped.length ? ` (the latest ${skipped.length}: ${listed})` : ` (${listed})`;
    return `⏰ ${name}: ${runs} missed while Trainyard was down and will not run${more}`;
  },
};

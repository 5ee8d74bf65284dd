import { wakeableSleep } from './backoff.ts';

/**
 * How long the rest of a log is waited for once its container has ended (`drainMs`, the runtime's
 * `logDrainMs`). The API server may still be sending lines the container printed long before it
 * ended (a large backlog, a slow server), and a run's last lines matter most: a pipeline step's
 * outputs and a run's final metrics are there. So a log still making progress is read to its end:
 * the wait is `drainMs` after it last did (a line came, or its stream was opened again), or after
 * the end if it has not since.
 * A log that streams forever must not hold the run's end back, so the wait never goes past
 * DRAIN_CEILING_FACTOR × drainMs after the end: 50 s with the default 5 s.
 *
 * Both runtimes wait by it (waitForLogEnd). On Kubernetes, RunTracker also reports the end by it,
 * so the tracker's timer never cuts a log that its follower is still reading.
 */
export const DRAIN_CEILING_FACTOR = 10;

/** When (ms since the epoch) waiting for the rest of the log is over. */
export function drainDeadline(endedAt: number, progressAt: number | undefined, drainMs: number): number {
  const quietBy = Math.max(endedAt, progressAt ?? endedAt) + drainMs;
  return Math.min(quietBy, endedAt + DRAIN_CEILING_FACTOR * drainMs);
}

/**
 * Resolves once a log has been read to its end (`done`), or has made no progress for `drainMs`
 * since `endedAt` and its last progress (`progressAt`), by the rule above.
 */
export async function waitForLogEnd(
  log: { done: Promise<void>; progressAt: number | undefined },
  endedAt: number,
  drainMs: number,
): Promise<void> {
  let finished = false;
  const done = log.done.then(() => {
    finished = true;
  });
  const left = () => drainDeadline(endedAt, log.progressAt, drainMs) - Date.now();
  for (;;) {
    if (finished) return;
    if (left() <= 0) {
      // Lines that came while this process was busy are taken in first: then the log may not be quiet.
      await new Promise((resolve) => setImmediate(resolve));
      if (finished || left() <= 0) return;
    }
    const sleep = wakeableSleep(left());
    await Promise.race([done, sleep.done]);
    sleep.wake();
  }
}

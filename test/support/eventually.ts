import assert from 'node:assert/strict';

export interface EventuallyOptions {
  /** How long to keep asking before failing (default 30 s: generous, a loaded machine is slow). */
  timeoutMs?: number;
  /** Pause between two questions (default 10 ms). */
  everyMs?: number;
}

type Found<T> = Exclude<T, undefined | null | false | 0 | ''>;

/**
 * THE wait of the tests: asks `check` (sync or async) until it answers something truthy and
 * resolves with that answer; fails naming `what` once `timeoutMs` has passed. The limit only
 * bounds a wait for something that should happen; no test asserts on how long anything took.
 */
export async function eventually<T>(
  what: string,
  check: () => T | Promise<T>,
  opts: EventuallyOptions = {},
): Promise<Found<T>> {
  const { timeoutMs = 30_000, everyMs = 10 } = opts;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await check();
    if (answer) return answer as Found<T>;
    if (Date.now() >= deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

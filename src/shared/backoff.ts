/**
 * How long to wait between tries of something that failed: one policy for every retry loop in the
 * bot (Kubernetes watches and requests, the Docker event and log streams, Slack's outbound queue).
 */
export interface BackoffPolicy {
  /** The first wait (before jitter). */
  baseMs: number;
  /** No wait is longer than this. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 30_000 };

/**
 * The wait before retry number `attempt` (0-based): exponential growth, capped, with "equal
 * jitter": half the delay is fixed, half is random, so many clients that lost the same server at
 * the same moment do not all come back at the same moment.
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random = Math.random,
): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(exp / 2 + (exp / 2) * random());
}

/** Counts failures in a row and says how long to wait after each; a success starts over. */
export class Backoff {
  private failures = 0;

  constructor(
    private readonly policy: BackoffPolicy = DEFAULT_BACKOFF,
    private readonly random = Math.random,
  ) {}

  /** Failures since the last reset. */
  get attempts(): number {
    return this.failures;
  }

  /** One more failure: the wait before the next try. */
  next(): number {
    return backoffDelay(this.failures++, this.policy, this.random);
  }

  /** It worked: the next failure waits the shortest time again. */
  reset(): void {
    this.failures = 0;
  }
}

export interface RetryOptions {
  /** Tries in all, the first included. */
  attempts: number;
  policy?: BackoffPolicy;
  /** Whether a failure is worth another try (a timeout is; a refusal is not). */
  retryable: (err: unknown) => boolean;
  /** Told before each wait, e.g. to log it. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Calls `fn` until it succeeds, a failure is not retryable, or the tries are used up (then the
 * last error is thrown). `fn` learns which try it is (0 first), e.g. to tell a repeat from a first.
 */
export async function retrying<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!opts.retryable(err) || attempt + 1 >= opts.attempts) throw err;
      const delay = backoffDelay(attempt, opts.policy);
      opts.onRetry?.(err, attempt, delay);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/**
 * A wait of `ms` that `wake()` ends early, so a loop resting between retries can be stopped (or
 * told that something changed) at once rather than at the end of its backoff.
 */
export function wakeableSleep(ms: number): { done: Promise<void>; wake: () => void } {
  let wake!: () => void;
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  return { done, wake };
}

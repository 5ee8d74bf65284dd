/** A polite stop under way; `cancel()` once the target has ended, so the kill never comes. */
export interface GraceKill {
  cancel(): void;
}

/**
 * Stops something the way `docker stop` and Kubernetes do: ask it to end (SIGTERM) now, and end
 * it (SIGKILL) if it is still there after `graceMs`. When asking fails (`term` throws or rejects),
 * no kill is armed and the error is passed on. Asking again while a stop is under way does not
 * push the kill back: pass the running GraceKill as `pending` and it is kept.
 */
export async function graceKill(opts: {
  term: () => void | Promise<void>;
  kill: () => void;
  graceMs: number;
  pending?: GraceKill;
}): Promise<GraceKill> {
  await opts.term();
  if (opts.pending) return opts.pending;
  const timer = setTimeout(opts.kill, opts.graceMs);
  // A kill still to come must not keep the bot alive once everything else has ended.
  timer.unref();
  return { cancel: () => clearTimeout(timer) };
}

/**
 * What to do about a failed Slack call. The outbound queue acts on this verdict: wait and
 * retry the same call, back off and retry, or give up and log the reason.
 */
export type SlackFailure =
  | { kind: 'rate-limited'; retryAfterMs: number }
  | { kind: 'transient'; reason: string }
  | { kind: 'permanent'; reason: string };

/** Platform errors that a later retry may fix; every other `ok: false` answer is permanent. */
const TRANSIENT_PLATFORM_ERRORS = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
]);

interface ErrorShape {
  code?: string;
  retryAfter?: number;
  statusCode?: number;
  data?: { error?: string };
  message?: string;
}

/** Reads the error shapes of @slack/web-api (and plain network errors) without importing its classes. */
export function classifySlackError(err: unknown): SlackFailure {
  const e = (err ?? {}) as ErrorShape;
  switch (e.code) {
    case 'slack_webapi_rate_limited_error':
      return { kind: 'rate-limited', retryAfterMs: Math.max(1, e.retryAfter ?? 1) * 1000 };
    case 'slack_webapi_platform_error': {
      const reason = e.data?.error ?? 'unknown_error';
      return TRANSIENT_PLATFORM_ERRORS.has(reason)
        ? { kind: 'transient', reason }
        : { kind: 'permanent', reason };
    }
    case 'slack_webapi_http_error': {
      const status = e.statusCode ?? 0;
      const reason = `http_${status}`;
      return status >= 500 || status === 408 ? { kind: 'transient', reason } : { kind: 'permanent', reason };
    }
    case 'slack_webapi_request_error':
      return { kind: 'transient', reason: 'network_error' };
    default:
      if (err instanceof HttpStatusError) {
        if (err.status === 429) return { kind: 'rate-limited', retryAfterMs: err.retryAfterMs ?? 1000 };
        const reason = `http_${err.status}`;
        return err.status >= 500 ? { kind: 'transient', reason } : { kind: 'permanent', reason };
      }
      // fetch() rejects with a TypeError on network failures; anything else is a bug and retrying will not help.
      if (err instanceof TypeError && /fetch failed|network/i.test(err.message)) {
        return { kind: 'transient', reason: 'network_error' };
      }
      return { kind: 'permanent', reason: e.message ?? String(err) };
  }
}

/** A non-2xx answer from a plain HTTP call (e.g. a response_url), shaped for classifySlackError. */
export class HttpStatusError extends Error {
  override name = 'HttpStatusError';
  constructor(
    readonly status: number,
    readonly retryAfterMs?: number,
  ) {
    super(`HTTP ${status}`);
  }
}

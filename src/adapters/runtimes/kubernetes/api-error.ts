import { ApiException } from '@kubernetes/client-node';
import { z } from 'zod';

/** The `Status` object the API server sends with every error reply. */
const StatusBody = z.object({
  kind: z.literal('Status').optional(),
  message: z.string().optional(),
  reason: z.string().optional(),
  code: z.number().optional(),
});

/** An error from the Kubernetes API, reduced to what callers decide on. */
export class KubeApiError extends Error {
  override name = 'KubeApiError';
  constructor(
    /** HTTP status; 0 when the server could not be reached at all. */
    readonly status: number,
    message: string,
    /** The Status `reason`, e.g. AlreadyExists, Invalid, NotFound, Expired. */
    readonly reason?: string,
  ) {
    super(message);
  }
  /** Worth retrying as is: the network, a timeout, throttling or a server-side failure. */
  get transient(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/** Parses a Status body (raw JSON text in client-node 1.x); undefined when it is not one. */
export function parseStatusBody(body: unknown): z.infer<typeof StatusBody> | undefined {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  const parsed = StatusBody.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** The error for an HTTP error reply: in the API's own words when its body is a Status. */
export function replyError(code: number, body: unknown): KubeApiError {
  const status = parseStatusBody(body);
  return new KubeApiError(
    code,
    status?.message || `The Kubernetes API answered HTTP ${code}.`,
    status?.reason,
  );
}

/** Turns whatever a client-node call threw into a KubeApiError. */
export function toKubeApiError(err: unknown): KubeApiError {
  if (err instanceof KubeApiError) return err;
  if (err instanceof ApiException) return replyError(err.code, err.body);
  const e = err as { statusCode?: number; code?: string; message?: string; name?: string };
  if (typeof e?.statusCode === 'number') {
    return new KubeApiError(e.statusCode, e.message || `The Kubernetes API answered HTTP ${e.statusCode}.`);
  }
  const cause = e?.code || e?.name || 'error';
  return new KubeApiError(
    0,
    `The Kubernetes API could not be reached (${cause}: ${e?.message ?? String(err)}).`,
  );
}

import { STATUS_CODES } from 'node:http';
import { stringify } from 'node:querystring';
import { webApi } from '@slack/bolt';
import { Agent, request } from 'undici';
import { flatHeaders } from '../../../shared/flat-headers.ts';
import type { Logger } from '../../../shared/log.ts';
import { HttpStatusError } from './slack-error.ts';

/** The Web API methods every run calls; the lean transport sends these, the WebClient the rest. */
export const HOT_METHODS: ReadonlySet<string> = new Set([
  'chat.postMessage',
  'chat.update',
  'chat.postEphemeral',
]);

/** Connections kept per host (slack.com, a response_url's host): the outbound queue sends at most 16 calls at once. */
const CONNECTIONS = 16;

type Args = Record<string, unknown>;
type CallResult = webApi.WebAPICallResult & { error?: string };

/**
 * Slack's hot calls on `undici.request` over a keep-alive pool, for a fraction of a WebClient
 * call's CPU (issue 11: 0.27 against 1.29 ms; the WebClient adds its own queue, retries, form
 * handling and debug logging that the OutboundQueue already does or does not need).
 *
 * It answers exactly as the WebClient does for what the OutboundQueue acts on: the same request
 * (form fields, objects as JSON, `Authorization: Bearer`, the same SLACK_API_URL base), the result
 * object on `ok: true`, and the WebClient's own error classes otherwise — WebAPIPlatformError for
 * `ok: false` (or a body that is not JSON), WebAPIRateLimitedError for a 429 with Retry-After,
 * WebAPIHTTPError for any other status, WebAPIRequestError when nothing came back. The token is
 * sent only in the header and is in no error or log line.
 */
export class LeanTransport {
  private readonly pool = new Agent({ connections: CONNECTIONS });
  private readonly base: string;

  constructor(
    private readonly token: string,
    apiUrl: string,
    private readonly log: Logger,
  ) {
    this.base = apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`;
  }

  /** Calls a Web API method as WebClient.apiCall would; resolves with Slack's answer or throws its error. */
  async call(method: string, args: Args): Promise<webApi.WebAPICallResult> {
    const res = await this.post(
      `${this.base}${method}`,
      {
        authorization: `Bearer ${this.token}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      formBody(args),
    );
    if (res.statusCode === 429) {
      await res.body.dump();
      const retrySec = Number.parseInt(String(res.headers['retry-after'] ?? ''), 10);
      if (!Number.isNaN(retrySec)) throw new webApi.WebAPIRateLimitedError(retrySec);
      // As the WebClient: a 429 without a usable Retry-After is an error of its own (not retried).
      throw new Error(`Retry header did not contain a valid timeout (method: ${method})`);
    }
    const text = await res.body.text();
    if (res.statusCode !== 200) {
      throw new webApi.WebAPIHTTPError(
        res.statusCode,
        STATUS_CODES[res.statusCode] ?? '',
        flatHeaders(res.headers),
        text,
      );
    }
    const result = parseResult(text);
    for (const warning of result.response_metadata?.warnings ?? []) {
      this.log.warn('slack warned about a call', { method, warning });
    }
    if (!result.ok) throw new webApi.WebAPIPlatformError(result as CallResult & { error: string });
    return result;
  }

  /**
   * Answers through a response_url (JSON, as Slack wants it there). A non-2xx answer throws an
   * HttpStatusError (429 with its Retry-After), no answer a WebAPIRequestError (worth retrying).
   */
  async respond(url: string, message: object): Promise<true> {
    const res = await this.post(url, { 'content-type': 'application/json' }, JSON.stringify(message));
    await res.body.dump();
    if (res.statusCode < 200 || res.statusCode > 299) {
      const retryAfter = Number(res.headers['retry-after']);
      throw new HttpStatusError(res.statusCode, retryAfter > 0 ? retryAfter * 1000 : undefined);
    }
    return true;
  }

  /** Closes the pooled connections (at shutdown). */
  close(): Promise<void> {
    return this.pool.close();
  }

  private async post(url: string, headers: Record<string, string>, body: string) {
    try {
      return await request(url, { method: 'POST', headers, body, dispatcher: this.pool });
    } catch (err) {
      // Nothing came back (refused, reset, timed out): the WebClient's "request error", which is retried.
      throw new webApi.WebAPIRequestError(err instanceof Error ? err : new Error(String(err)));
    }
  }
}

/** Form fields as the WebClient sends them: objects and arrays as JSON, nothing for undefined or null. */
function formBody(args: Args): string {
  const fields: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(args)) {
    if (value === undefined || value === null) continue;
    fields[key] =
      typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? value
        : JSON.stringify(value);
  }
  return stringify(fields);
}

/** Slack's answer; a body that is not JSON becomes `ok: false` with the body as the error, as in the WebClient. */
function parseResult(text: string): CallResult {
  try {
    const parsed = JSON.parse(text) as CallResult;
    if (parsed && typeof parsed === 'object') return parsed;
  } catch {
    // not JSON: below
  }
  return { ok: false, error: text };
}

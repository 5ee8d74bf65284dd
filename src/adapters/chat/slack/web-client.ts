import { type Logger as SlackLogger, webApi } from '@slack/bolt';
import { HOT_METHODS, type LeanTransport } from './lean-transport.ts';

/**
 * A Web API client that fails fast: retries and rate limits are the OutboundQueue's job, so
 * the client must not retry or wait on its own, or the queue would lose its one budget. With a
 * lean transport, the hot chat methods go through it and everything else (file uploads) through
 * the WebClient; callers see one WebClient either way.
 */
export function createWebClient(
  token: string,
  apiUrl: string,
  logger?: SlackLogger,
  lean?: LeanTransport,
): webApi.WebClient {
  const options = { slackApiUrl: apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logger };
  return lean ? new LeanWebClient(token, options, lean) : new webApi.WebClient(token, options);
}

/** The WebClient with its hot methods (chat.postMessage, chat.update, chat.postEphemeral) sent by the lean transport. */
class LeanWebClient extends webApi.WebClient {
  constructor(
    token: string,
    options: webApi.WebClientOptions,
    private readonly lean: LeanTransport,
  ) {
    super(token, options);
  }

  // Every method of the client (web.chat.postMessage ...) is a call of apiCall with its name.
  override apiCall(method: string, options?: Record<string, unknown>): Promise<webApi.WebAPICallResult> {
    if (HOT_METHODS.has(method)) return this.lean.call(method, options ?? {});
    return super.apiCall(method, options);
  }
}

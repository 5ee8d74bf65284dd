import { type Logger as SlackLogger, webApi } from '@slack/bolt';

/**
 * A Web API client that fails fast: retries and rate limits are the OutboundQueue's job, so
 * the client must not retry or wait on its own, or the queue would lose its one budget.
 */
export function createWebClient(token: string, apiUrl: string, logger?: SlackLogger): webApi.WebClient {
  return new webApi.WebClient(token, {
    slackApiUrl: apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger,
  });
}

import type { Counter, Metrics } from '../../../ports/metrics.ts';

export interface QueueMetrics {
  calls: Counter<'method' | 'outcome'>;
  rateLimited: Counter<'method'>;
}

/** The outbound queue's series: calls by outcome, 429s, and its depth (read at scrape time). */
export function queueMetrics(metrics: Metrics | undefined, pending: () => number): QueueMetrics | undefined {
  if (!metrics) return undefined;
  metrics.gauge('trainyard_slack_queue_depth', 'Slack calls waiting in the outbound queue', [], () => [
    { labels: {}, value: pending() },
  ]);
  return {
    calls: metrics.counter('trainyard_slack_calls_total', 'Slack Web API calls by method and outcome', [
      'method',
      'outcome',
    ]),
    rateLimited: metrics.counter('trainyard_slack_rate_limited_total', 'Slack 429 answers by method', [
      'method',
    ]),
  };
}

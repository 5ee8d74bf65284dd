/**
 * Prometheus-style metrics that any part of the bot may record. Implementation:
 * MetricsRegistry (served on /metrics). Label values are free text; the registry escapes them.
 */
export type MetricLabels = Record<string, string>;

export interface Counter {
  inc(labels?: MetricLabels, by?: number): void;
}

export interface Histogram {
  observe(value: number): void;
}

export interface Metrics {
  counter(name: string, help: string): Counter;
  /** A gauge computed at scrape time, so it can never go stale. */
  gauge(name: string, help: string, collect: () => { labels: MetricLabels; value: number }[]): void;
  histogram(name: string, help: string, buckets?: number[]): Histogram;
}

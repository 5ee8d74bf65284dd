/**
 * Prometheus-style metrics that any part of the bot may record. Implementation: MetricsRegistry
 * (prom-client, served on /metrics). Label names are declared up front, as Prometheus expects
 * (a label not declared is a type error here); label values are free text, escaped on output.
 */
export type MetricLabels<L extends string = string> = Partial<Record<L, string>>;

export interface Counter<L extends string = string> {
  inc(labels?: MetricLabels<L>, by?: number): void;
}

export interface Histogram {
  observe(value: number): void;
}

export interface Metrics {
  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L>;
  /** A gauge computed at scrape time, so it can never go stale. */
  gauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    collect: () => { labels: MetricLabels<L>; value: number }[],
  ): void;
  histogram(name: string, help: string, buckets?: number[]): Histogram;
}

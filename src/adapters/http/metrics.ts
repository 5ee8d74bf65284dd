import {
  collectDefaultMetrics,
  Counter as PromCounter,
  Gauge as PromGauge,
  Histogram as PromHistogram,
  Registry,
} from 'prom-client';
import type { Counter, Histogram, MetricLabels, Metrics } from '../../ports/metrics.ts';

export interface MetricsRegistryOptions {
  /**
   * Also report prom-client's default process metrics: CPU, memory, heap, handles, GC and the
   * event-loop lag (`nodejs_eventloop_lag_seconds` and its min/mean/max/p50/p90/p99). The bot
   * turns them on; tests and benchmarks that make many registries leave them off.
   */
  processMetrics?: boolean;
}

/** Labels in name order, so every series prints its labels the same way whatever the caller wrote. */
const ordered = (labels: MetricLabels): Record<string, string> =>
  Object.fromEntries(
    Object.entries(labels)
      .filter((e): e is [string, string] => e[1] !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );

/** The Metrics port on a prom-client registry, rendered in the Prometheus text format for /metrics. */
export class MetricsRegistry implements Metrics {
  /** The content type of `render()`'s output (text exposition format 0.0.4). */
  readonly contentType: string = Registry.PROMETHEUS_CONTENT_TYPE;
  private readonly registry = new Registry();

  constructor(opts: MetricsRegistryOptions = {}) {
    if (opts.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    const counter = new PromCounter({ name, help, labelNames: [...labelNames], registers: [this.registry] });
    return { inc: (labels = {}, by = 1) => counter.inc(ordered(labels) as MetricLabels<L>, by) };
  }

  gauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    collect: () => { labels: MetricLabels<L>; value: number }[],
  ): void {
    new PromGauge({
      name,
      help,
      labelNames: [...labelNames],
      registers: [this.registry],
      // Called on every scrape: the series are exactly what `collect` says now.
      collect() {
        this.reset();
        for (const { labels, value } of collect()) this.set(ordered(labels) as MetricLabels<L>, value);
      },
    });
  }

  histogram(name: string, help: string, buckets?: number[]): Histogram {
    // prom-client's default buckets (5 ms … 10 s) unless the caller has its own.
    const histogram = new PromHistogram({
      name,
      help,
      registers: [this.registry],
      ...(buckets && { buckets }),
    });
    return { observe: (value) => histogram.observe(value) };
  }

  /** Every metric in the Prometheus text format (collecting gauges may be async, hence the promise). */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}

// An independent reader of the Prometheus text format (parse-prometheus-text-format, not
// prom-client's own code), so the tests check /metrics the way a scraper would read it.
import parsePrometheusText from 'parse-prometheus-text-format';

export interface MetricFamily {
  name: string;
  help: string;
  type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
  metrics: {
    value?: string;
    labels?: Record<string, string>;
    buckets?: Record<string, string>;
    count?: string;
    sum?: string;
  }[];
}

/** The metric families in a /metrics body; throws on any line a scraper could not read. */
export function parseMetrics(text: string): Map<string, MetricFamily> {
  const families = parsePrometheusText(text) as MetricFamily[];
  return new Map(families.map((f) => [f.name, f]));
}

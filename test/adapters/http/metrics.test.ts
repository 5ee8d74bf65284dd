import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MetricsRegistry } from '../../../src/adapters/http/metrics.ts';
import { parseMetrics } from '../../support/prometheus-text.ts';

describe('MetricsRegistry (prom-client)', () => {
  it('renders counters, scrape-time gauges and histograms a Prometheus scraper can read', async () => {
    const metrics = new MetricsRegistry();
    const calls = metrics.counter('trainyard_slack_calls_total', 'Slack calls', ['method', 'outcome']);
    calls.inc({ outcome: 'ok', method: 'chat.update' });
    calls.inc({ method: 'chat.update', outcome: 'ok' }, 2);
    let queued = 3;
    metrics.gauge('trainyard_slack_queue_depth', 'Calls waiting', [], () => [{ labels: {}, value: queued }]);
    const acks = metrics.histogram('trainyard_slack_ack_seconds', 'Ack time');
    acks.observe(0.02);
    acks.observe(0.7);

    const text = await metrics.render();
    assert.match(
      text,
      /^trainyard_slack_calls_total\{method="chat.update",outcome="ok"\} 3$/m,
      'labels in name order',
    );
    const families = parseMetrics(text);
    assert.equal(families.get('trainyard_slack_calls_total')?.type, 'COUNTER');
    assert.equal(families.get('trainyard_slack_queue_depth')?.metrics[0].value, '3');
    const histogram = families.get('trainyard_slack_ack_seconds')?.metrics[0];
    assert.deepEqual(
      [histogram?.count, histogram?.buckets?.['0.025'], histogram?.buckets?.['1']],
      ['2', '1', '2'],
    );

    queued = 0;
    assert.equal(
      parseMetrics(await metrics.render()).get('trainyard_slack_queue_depth')?.metrics[0].value,
      '0',
    );
  });

  it('drops a gauge series at the next scrape once its collector stops reporting it', async () => {
    const metrics = new MetricsRegistry();
    let states: Record<string, number> = { running: 2, pending: 1 };
    metrics.gauge('trainyard_runs', 'Runs by state', ['state'], () =>
      Object.entries(states).map(([state, value]) => ({ labels: { state }, value })),
    );
    assert.equal(parseMetrics(await metrics.render()).get('trainyard_runs')?.metrics.length, 2);
    states = { succeeded: 3 };
    const series = parseMetrics(await metrics.render()).get('trainyard_runs')?.metrics;
    assert.deepEqual(series, [{ value: '3', labels: { state: 'succeeded' } }]);
  });

  it('escapes any label value so it reads back exactly (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 40 }), async (value) => {
        const metrics = new MetricsRegistry();
        metrics.counter('trainyard_test_total', 'Hostile labels', ['template']).inc({ template: value });
        const [series] = parseMetrics(await metrics.render()).get('trainyard_test_total')?.metrics ?? [];
        assert.equal(series?.labels?.template, value);
      }),
      { numRuns: 200, examples: [['a"b'], ['back\\slash'], ['new\nline'], ['}{,="'], ['\\n']] },
    );
  });

  it('refuses a label that was not declared (a type error, and an error at run time)', () => {
    const metrics = new MetricsRegistry();
    const counter = metrics.counter('trainyard_test_total', 'Declared labels', ['verb']);
    // @ts-expect-error `code` is not one of the declared label names
    assert.throws(() => counter.inc({ verb: 'list', code: '200' }), /code/);
  });

  it('keeps registries apart, so every test and benchmark may make its own', async () => {
    const a = new MetricsRegistry();
    const b = new MetricsRegistry();
    a.counter('trainyard_test_total', 'A', []).inc();
    b.counter('trainyard_test_total', 'B', []).inc({}, 5);
    assert.equal(parseMetrics(await a.render()).get('trainyard_test_total')?.metrics[0].value, '1');
    assert.equal(parseMetrics(await b.render()).get('trainyard_test_total')?.metrics[0].value, '5');
  });

  it('adds the default process metrics, event-loop lag included, when asked to', async () => {
    const plain = parseMetrics(await new MetricsRegistry().render());
    assert.equal(plain.size, 0);
    const families = parseMetrics(await new MetricsRegistry({ processMetrics: true }).render());
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_eventloop_lag_p50_seconds',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_eventloop_lag_max_seconds',
      'nodejs_gc_duration_seconds',
    ])
      assert.ok(families.has(name), `${name} is missing`);
    assert.equal(families.get('nodejs_gc_duration_seconds')?.type, 'HISTOGRAM');
  });
});

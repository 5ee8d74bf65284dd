import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HttpFront } from '../../../src/adapters/http/HttpFront.ts';
import { healthRoutes } from '../../../src/adapters/http/health-routes.ts';
import { MetricsRegistry } from '../../../src/adapters/http/metrics.ts';

describe('health routes on the plain HTTP server', () => {
  let server: HttpFront;
  let base: string;
  let ready = false;
  const metrics = new MetricsRegistry();
  metrics
    .counter('trainyard_test_total', 'A test counter.', ['verb', 'code'])
    .inc({ verb: 'list', code: '200' });

  before(async () => {
    const routes = healthRoutes({
      isReady: () => ready,
      notReadyReason: () => 'the cluster has not answered yet',
      metrics,
    });
    server = await HttpFront.listen({ port: 0, host: '127.0.0.1', routes, awaitHandler: false });
    base = `http://127.0.0.1:${server.port}`;
  });
  after(() => server.close());

  it('answers /healthz with 200', async () => {
    const res = await fetch(`${base}/healthz`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'ok\n');
  });

  it('answers /readyz with 503 and the reason until ready, then 200', async () => {
    ready = false;
    const notReady = await fetch(`${base}/readyz`);
    assert.equal(notReady.status, 503);
    assert.match(await notReady.text(), /cluster has not answered yet/);
    ready = true;
    const res = await fetch(`${base}/readyz`);
    assert.equal(res.status, 200);
    await res.text();
  });

  it('serves /metrics in the Prometheus text format', async () => {
    const res = await fetch(`${base}/metrics`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    const body = await res.text();
    assert.match(body, /# TYPE trainyard_test_total counter/);
    assert.match(body, /trainyard_test_total\{code="200",verb="list"\} 1/);
  });

  it('answers /metrics with 500 and one sentence when a collector fails, and keeps serving', async () => {
    const broken = new MetricsRegistry();
    broken.gauge('trainyard_broken', 'A collector that fails.', [], () => {
      throw new Error('the store is closed');
    });
    const routes = healthRoutes({ isReady: () => true, metrics: broken });
    const other = await HttpFront.listen({ port: 0, host: '127.0.0.1', routes, awaitHandler: false });
    try {
      const res = await fetch(`http://127.0.0.1:${other.port}/metrics`);
      assert.equal(res.status, 500);
      assert.equal(await res.text(), 'the metrics could not be collected: the store is closed\n');
      const health = await fetch(`http://127.0.0.1:${other.port}/healthz`);
      assert.equal(health.status, 200);
      await health.text();
    } finally {
      await other.close();
    }
  });

  it('answers unknown paths with 404 and wrong methods with 405', async () => {
    const missing = await fetch(`${base}/nope`);
    assert.equal(missing.status, 404);
    await missing.text();
    const wrong = await fetch(`${base}/healthz`, { method: 'POST' });
    assert.equal(wrong.status, 405);
    await wrong.text();
  });
});

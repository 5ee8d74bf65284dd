import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, describe, it } from 'node:test';
import { drawChart } from '../../../src/adapters/charts/draw-chart.ts';
import {
  WorkerChartRenderer,
  type WorkerChartRendererOptions,
} from '../../../src/adapters/charts/WorkerChartRenderer.ts';
import { CHART_SIZE } from '../../../src/core/chart/chart-spec.ts';
import type { ChartResult } from '../../../src/ports/chart-renderer.ts';
import { PNG_SIGNATURE, readPngHeader } from '../../support/png.ts';
import { NO_FONTS, runChart, TEST_FONTS } from './chart-fixtures.ts';

const MISBEHAVING = new URL('./fixtures/misbehaving-worker.ts', import.meta.url);

/** A renderer whose log lines are kept; closed when the file's tests end. */
function renderer(options: Partial<WorkerChartRendererOptions> = {}) {
  const logged: { msg: string; fields?: Record<string, unknown> }[] = [];
  const r = new WorkerChartRenderer({
    fontFiles: TEST_FONTS,
    log: { warn: (msg, fields) => logged.push({ msg, fields }) },
    // The bot's 10 s is about Slack; a chart drawn while the test machine is busy may take longer.
    timeoutMs: 120_000,
    ...options,
  });
  after(() => r.close());
  return { r, logged };
}

const skipped = (result: ChartResult): string => {
  assert.equal(result.ok, false, 'the chart was drawn, not skipped');
  return result.ok ? '' : result.reason;
};

describe('WorkerChartRenderer', () => {
  it('draws real PNGs in a worker thread, one worker for many charts', { skip: NO_FONTS }, async () => {
    const { r } = renderer();
    const results = await Promise.all([
      r.render(runChart()),
      r.render(runChart(10), { width: 200, height: 100, scale: 1 }),
    ]);
    const pngs = results.map((res) => {
      assert.ok(res.ok, res.ok ? '' : res.reason);
      return res.png;
    });
    assert.deepEqual(pngs[0].subarray(0, 8), PNG_SIGNATURE);
    const big = readPngHeader(pngs[0]);
    assert.deepEqual(
      [big.width, big.height],
      [CHART_SIZE.width * CHART_SIZE.scale, CHART_SIZE.height * CHART_SIZE.scale],
    );
    const small = readPngHeader(pngs[1]);
    assert.deepEqual([small.width, small.height], [200, 100]);
    assert.deepEqual(r.stats(), {
      drawn: 2,
      skipped: 0,
      timedOut: 0,
      workersStarted: 1,
      waiting: 0,
      busy: false,
    });
  });

  it('skips a spec that cannot be drawn, with a log line, and draws the next', {
    skip: NO_FONTS,
  }, async () => {
    const { r, logged } = renderer();
    const broken = {
      mark: 'line',
      encoding: { x: { field: 'a', type: 'quantitative' } },
      data: { url: 'x.csv' },
    };
    assert.match(skipped(await r.render(broken)), /could not be drawn: charts draw inline data only/);
    assert.equal(logged.length, 1);
    assert.equal(logged[0].msg, 'chart skipped');
    assert.match(String(logged[0].fields?.reason), /inline data only/);
    assert.equal((await r.render(runChart())).ok, true);
  });

  it('skips a chart that takes too long, replaces the stuck worker, and draws the next', async () => {
    const { r, logged } = renderer({ workerUrl: MISBEHAVING, timeoutMs: 2000 });
    const [stuck, next] = await Promise.all([r.render({ mode: 'hang' }), r.render({ mode: 'draw' })]);
    assert.match(skipped(stuck), /took longer than 2000 ms/);
    assert.ok(next.ok, 'the chart after a stuck one is drawn');
    assert.deepEqual([...next.png], [1, 2, 3]);
    const stats = r.stats();
    assert.equal(stats.timedOut, 1);
    assert.equal(stats.workersStarted, 2);
    assert.match(String(logged[0]?.fields?.reason), /took longer/);
  });

  it('does not count a slow start against the chart: a worker that loads for longer than the limit still draws', async () => {
    // Before, the limit counted from the hand-over: a start slower than it (a busy machine) timed
    // out every chart and started a new worker for each, and no chart was ever drawn.
    const slow = new URL(`${MISBEHAVING.href}?start=3000`);
    const { r } = renderer({ workerUrl: slow, timeoutMs: 2000 });
    const result = await r.render({ mode: 'draw' });
    assert.ok(result.ok, result.ok ? '' : result.reason);
    assert.deepEqual(r.stats(), {
      drawn: 1,
      skipped: 0,
      timedOut: 0,
      workersStarted: 1,
      waiting: 0,
      busy: false,
    });
  });

  it('skips the chart when the worker never gets ready, and starts a new worker for the next', async () => {
    const never = new URL(`${MISBEHAVING.href}?start=never`);
    const { r, logged } = renderer({ workerUrl: never, startTimeoutMs: 500 });
    assert.match(skipped(await r.render({ mode: 'draw' })), /the render worker did not start within 500 ms/);
    assert.match(String(logged[0]?.fields?.reason), /did not start/);
    assert.match(skipped(await r.render({ mode: 'draw' })), /did not start/);
    assert.equal(r.stats().workersStarted, 2);
  });

  it('skips a real chart given too little time', { skip: NO_FONTS }, async () => {
    // Laying out and drawing a 500-point chart takes far more than a millisecond on any machine.
    const { r } = renderer({ timeoutMs: 1 });
    assert.match(skipped(await r.render(runChart(500))), /took longer than 1 ms/);
  });

  it('refuses charts at once when the queue is full, without delaying the ones already waiting', async () => {
    const { r, logged } = renderer({ workerUrl: MISBEHAVING, maxQueue: 2 });
    const settled: string[] = [];
    const track = (name: string, p: Promise<ChartResult>) =>
      p.then((res) => {
        settled.push(name);
        return res;
      });
    const first = track('first', r.render({ mode: 'draw' }));
    const waiting = [track('second', r.render({ mode: 'draw' })), track('third', r.render({ mode: 'draw' }))];
    const refused = [track('fourth', r.render({ mode: 'draw' })), track('fifth', r.render({ mode: 'draw' }))];
    assert.deepEqual(r.stats().waiting, 2);
    for (const p of refused) assert.match(skipped(await p), /2 charts are already waiting/);
    // Refused before the first chart was even drawn.
    assert.deepEqual(settled, ['fourth', 'fifth']);
    for (const res of await Promise.all([first, ...waiting])) assert.equal(res.ok, true);
    assert.equal(logged.filter((l) => /already waiting/.test(String(l.fields?.reason))).length, 2);
  });

  it('skips the chart of a worker that crashes or exits, and starts a new worker for the next', async () => {
    const { r } = renderer({ workerUrl: MISBEHAVING });
    assert.match(skipped(await r.render({ mode: 'crash' })), /the render worker failed: the worker blew up/);
    assert.match(skipped(await r.render({ mode: 'exit' })), /stopped \(exit code 3\)/);
    assert.match(skipped(await r.render({ mode: 'fail' })), /could not be drawn: the spec is broken/);
    assert.equal((await r.render({ mode: 'draw' })).ok, true);
    assert.equal(r.stats().workersStarted, 3);
  });

  it('skips what cannot be sent to the worker or drawn at that size', async () => {
    const { r } = renderer({ workerUrl: MISBEHAVING });
    assert.match(
      skipped(await r.render({ mode: 'draw', fn: () => 1 })),
      /cannot be sent to the render worker/,
    );
    assert.match(
      skipped(await r.render({ mode: 'draw' }, { width: 0, height: 10, scale: 1 })),
      /not drawable/,
    );
    assert.equal((await r.render({ mode: 'draw' })).ok, true);
  });

  it('on close, skips what is waiting and what is being drawn, and refuses new charts', async () => {
    const { r } = renderer({ workerUrl: MISBEHAVING });
    const pending = [r.render({ mode: 'hang' }), r.render({ mode: 'draw' })];
    await r.close();
    for (const p of pending) assert.match(skipped(await p), /closed/);
    assert.match(skipped(await r.render({ mode: 'draw' })), /closed/);
  });

  it('keeps the event loop responsive while it draws', { skip: NO_FONTS }, async () => {
    const { r } = renderer();
    const spec = runChart(500);
    assert.equal((await r.render(spec)).ok, true, 'warm-up');
    // What one chart costs when drawn on this thread: the delay every tick would see if the
    // renderer drew on the event loop.
    const start = performance.now();
    await drawChart(spec, CHART_SIZE, TEST_FONTS);
    const onThread = performance.now() - start;

    const delay = monitorEventLoopDelay({ resolution: 2 });
    delay.enable();
    const results = await Promise.all(Array.from({ length: 10 }, () => r.render(spec)));
    delay.disable();
    assert.ok(results.every((res) => res.ok));
    const p99 = delay.percentile(99) / 1e6;
    assert.ok(
      p99 < onThread / 3,
      `event-loop delay p99 ${p99.toFixed(1)} ms vs ${onThread.toFixed(1)} ms per chart`,
    );
  });
});

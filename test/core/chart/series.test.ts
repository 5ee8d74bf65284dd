import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractSeries, hasChartablePoints, MAX_CHART_POINTS } from '../../../src/core/chart/series.ts';
import type { MetricSample } from '../../../src/core/run/run.ts';

const sample = (values: Record<string, number>, step?: number, at = 0): MetricSample =>
  step === undefined ? { at, values } : { at, values, step };

describe('extractSeries', () => {
  it('puts each metric over the steps when every sample has one, in the order metrics first appeared', () => {
    const chart = extractSeries([
      sample({ loss: 2 }, 1),
      sample({ loss: 1, acc: 0.5 }, 2),
      sample({ acc: 0.7 }, 4),
    ]);
    assert.equal(chart.x, 'step');
    assert.deepEqual(chart.series, [
      {
        metric: 'loss',
        points: [
          { x: 1, value: 2 },
          { x: 2, value: 1 },
        ],
      },
      {
        metric: 'acc',
        points: [
          { x: 2, value: 0.5 },
          { x: 4, value: 0.7 },
        ],
      },
    ]);
  });

  it('falls back to the sample order when a sample has no step', () => {
    const chart = extractSeries([sample({ loss: 3 }), sample({ loss: 2 }, 1), sample({ loss: 1 }, 2)]);
    assert.equal(chart.x, 'sample');
    assert.deepEqual(
      chart.series[0].points.map((p) => p.x),
      [1, 2, 3],
    );
  });

  it('falls back to the sample order when a metric has several points at one step (or steps go back)', () => {
    const perBatch = extractSeries([sample({ loss: 3 }, 1), sample({ loss: 2 }, 1), sample({ loss: 1 }, 2)]);
    assert.equal(perBatch.x, 'sample');
    const retried = extractSeries([sample({ loss: 3 }, 1), sample({ loss: 2 }, 2), sample({ loss: 2.5 }, 1)]);
    assert.equal(retried.x, 'sample');
    // Different metrics at the same step are fine: each metric's own steps increase.
    assert.equal(extractSeries([sample({ loss: 1 }, 1), sample({ acc: 1 }, 1)]).x, 'step');
  });

  it('leaves out values that cannot be drawn, and metric names that are object keys are just names', () => {
    const chart = extractSeries([
      sample({ loss: Number.NaN, ['__proto__']: 1, constructor: 2 }, 1),
      sample({ loss: Number.POSITIVE_INFINITY, ['__proto__']: 3 }, 2),
      sample({ loss: 0.5 }, 3),
    ]);
    const byName = Object.fromEntries(chart.series.map((s) => [s.metric, s.points.map((p) => p.value)]));
    assert.deepEqual(Object.keys(byName).sort(), ['__proto__', 'constructor', 'loss'].sort());
    assert.deepEqual(byName.loss, [0.5]);
    assert.deepEqual(
      chart.series.find((s) => s.metric === '__proto__')?.points.map((p) => p.value),
      [1, 3],
    );
  });

  it('bounds each metric to 500 points, evenly spread, keeping the first, last, lowest and highest', () => {
    const n = 20_000;
    const history = Array.from({ length: n }, (_, i) =>
      sample({ loss: i === 7_777 ? -5 : i === 12_345 ? 99 : Math.sin(i / 100) }, i + 1),
    );
    const [loss] = extractSeries(history).series;
    const xs = loss.points.map((p) => p.x);
    assert.ok(xs.length <= MAX_CHART_POINTS && xs.length >= MAX_CHART_POINTS - 4, `${xs.length} points`);
    assert.equal(xs[0], 1);
    assert.equal(xs.at(-1), n);
    assert.ok(xs.includes(7_778) && xs.includes(12_346), 'the extremes are kept');
    const gaps = xs.slice(1).map((x, i) => x - xs[i]);
    assert.ok(Math.max(...gaps) <= (2 * n) / MAX_CHART_POINTS, `largest gap ${Math.max(...gaps)}`);
  });

  it('says when a run has enough points for a chart (three of one metric)', () => {
    assert.equal(
      hasChartablePoints(extractSeries([sample({ a: 1 }), sample({ b: 1 }), sample({ a: 2 })])),
      false,
    );
    assert.equal(
      hasChartablePoints(extractSeries([sample({ a: 1 }), sample({ a: 1 }), sample({ a: 2 })])),
      true,
    );
    assert.equal(hasChartablePoints(extractSeries([])), false);
  });
});

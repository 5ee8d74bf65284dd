import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChartSpec } from '../../../src/core/chart/chart-spec.ts';
import { sweepChartSpec } from '../../../src/core/chart/sweep-chart.ts';
import { compileChart } from '../../support/compile-chart.ts';

interface Layer {
  data: { values: { x: number; value: number }[] };
  mark: { type: string };
}
const layers = (spec: ChartSpec) => spec.layer as Layer[];
const subtitle = (spec: ChartSpec) => (spec.title as { subtitle: string }).subtitle;

describe('sweepChartSpec', () => {
  const trials = [
    { trial: 1, value: 0.4 },
    { trial: 2, value: 0.31 },
    { trial: 3 },
    { trial: 4, value: 0.35 },
    { trial: 5, value: Number.NaN },
  ];

  it('draws one point per trial with a value, marks the best, and counts the others', async () => {
    const spec = sweepChartSpec({
      number: 57,
      template: 'resnet',
      objective: { metric: 'val_loss', goal: 'min' },
      trials,
    });
    const [points, best] = layers(spec);
    assert.equal(points.mark.type, 'point');
    assert.deepEqual(
      points.data.values.map((p) => p.x),
      [1, 2, 4],
    );
    assert.deepEqual(best.data.values, [{ x: 2, value: 0.31, label: '0.31' }]);
    assert.equal((spec.title as { text: string }).text, 'sweep #57 resnet');
    assert.equal(
      subtitle(spec),
      'val_loss per trial, lower is better · best: trial 2, 0.31 · 2 trials without a value',
    );
    const chart = await compileChart(spec);
    assert.deepEqual(chart.warnings, []);
    assert.ok(chart.texts().includes('trial') && chart.texts().includes('val_loss'));
  });

  it('picks the highest value when higher is better', () => {
    const spec = sweepChartSpec({
      number: 3,
      template: 't',
      objective: { metric: 'acc', goal: 'max' },
      trials,
    });
    assert.deepEqual(layers(spec)[1].data.values, [{ x: 1, value: 0.4, label: '0.4' }]);
  });

  it('is a valid chart before any trial has a value', async () => {
    const spec = sweepChartSpec({
      number: 3,
      template: 't',
      objective: { metric: 'acc', goal: 'max' },
      trials: [],
    });
    assert.equal(layers(spec).length, 1);
    assert.deepEqual((await compileChart(spec)).warnings, []);
  });
});

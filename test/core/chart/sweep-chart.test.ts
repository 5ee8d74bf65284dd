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
      best: 2,
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

  it('marks the trial the sweep ranks best, not merely the best value drawn (a trial stopped early)', () => {
    const spec = sweepChartSpec({
      number: 3,
      template: 't',
      objective: { metric: 'val_loss', goal: 'min' },
      trials,
      best: 4,
    });
    assert.deepEqual(layers(spec)[1].data.values, [{ x: 4, value: 0.35, label: '0.35' }]);
    assert.match(subtitle(spec), /best: trial 4, 0\.35/);
  });

  it('marks nothing when the sweep has no best trial yet', () => {
    const spec = sweepChartSpec({
      number: 3,
      template: 't',
      objective: { metric: 'acc', goal: 'max' },
      trials,
    });
    assert.equal(layers(spec).length, 1);
    assert.doesNotMatch(subtitle(spec), /best/);
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

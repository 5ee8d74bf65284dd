import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ChartSpec, MAX_TITLE_CHARS } from '../../../src/core/chart/chart-spec.ts';
import { MAX_CHART_METRICS, type RunChartInput, runChartSpec } from '../../../src/core/chart/run-chart.ts';
import type { MetricSample } from '../../../src/core/run/run.ts';
import { compileChart } from '../../support/compile-chart.ts';

function run(history: MetricSample[], extra: Partial<RunChartInput> = {}): RunChartInput {
  return { number: 42, spec: { template: 'resnet' }, history, progress: { unit: 'epoch' }, ...extra };
}

/** Ten epochs of a loss falling to its lowest at epoch 8 and an accuracy rising. */
const TEN_EPOCHS: MetricSample[] = Array.from({ length: 10 }, (_, i) => ({
  at: i,
  step: i + 1,
  values: { loss: i === 7 ? 0.05 : 1 / (i + 1), acc: i / 10 },
}));

interface Layer {
  data: { values: Record<string, unknown>[] };
  mark: { type: string };
  encoding: Record<string, { field?: string; title?: string; scale?: { type?: string } }>;
}
const layers = (spec: ChartSpec) => spec.layer as Layer[];

describe('runChartSpec', () => {
  it('draws one line per metric over the run steps, titled with the run, with its axes named', async () => {
    const spec = runChartSpec(run(TEN_EPOCHS));
    const chart = await compileChart(spec);
    assert.deepEqual(chart.warnings, []);
    assert.deepEqual(spec.title, { text: '#42 resnet' });
    const [lines] = layers(spec);
    assert.equal(lines.mark.type, 'line');
    assert.equal(lines.encoding.color.field, 'metric');
    assert.equal(lines.data.values.length, 20);
    const texts = chart.texts();
    for (const text of ['#42 resnet', 'epoch', 'value', 'loss', 'acc']) assert.ok(texts.includes(text), text);
  });

  it('marks the best value of the objective and says it in the subtitle', async () => {
    const lowest = runChartSpec(run(TEN_EPOCHS), { metric: 'loss', goal: 'min' });
    const [, marker, label] = layers(lowest);
    assert.deepEqual(marker.data.values, [{ x: 8, value: 0.05, label: '0.05' }]);
    assert.equal(label.mark.type, 'text');
    assert.deepEqual(lowest.title, { text: '#42 resnet', subtitle: 'best loss 0.05 at epoch 8' });
    assert.deepEqual((await compileChart(lowest)).warnings, []);

    const highest = runChartSpec(run(TEN_EPOCHS), { metric: 'acc', goal: 'max' });
    assert.deepEqual(layers(highest)[1].data.values, [{ x: 10, value: 0.9, label: '0.9' }]);
    // The objective's line comes first in the legend.
    assert.deepEqual((layers(highest)[0].encoding.color as { sort?: string[] }).sort, ['acc', 'loss']);
  });

  it('draws no marker for an objective the run never reported', () => {
    const spec = runChartSpec(run(TEN_EPOCHS), { metric: 'f1', goal: 'max' });
    assert.equal(layers(spec).length, 1);
  });

  it('names the single metric on the y axis, and counts samples when the log gave no steps', () => {
    const history = [3, 2, 1].map((loss, i) => ({ at: i, values: { loss } }));
    const spec = runChartSpec(run(history, { progress: undefined }));
    const { x, y } = layers(spec)[0].encoding;
    assert.equal(x.title, 'sample');
    assert.equal(y.title, 'loss');
  });

  it('uses a log scale when positive values span three orders of magnitude', () => {
    const wide = Array.from({ length: 5 }, (_, i) => ({ at: i, step: i + 1, values: { loss: 10 ** -i } }));
    assert.equal(layers(runChartSpec(run(wide)))[0].encoding.y.scale?.type, 'log');
    assert.equal(layers(runChartSpec(run(TEN_EPOCHS)))[0].encoding.y.scale?.type, undefined);
  });

  it(`shows at most ${MAX_CHART_METRICS} metrics and says how many more there are`, () => {
    const values = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`m${i}`, i]));
    const spec = runChartSpec(run([{ at: 0, step: 1, values }]));
    const metrics = new Set(layers(spec)[0].data.values.map((r) => r.metric));
    assert.equal(metrics.size, MAX_CHART_METRICS);
    assert.match(String((spec.title as { subtitle: string }).subtitle), /4 more metrics not shown/);
  });

  it('is still a valid chart with no metrics at all', async () => {
    const spec = runChartSpec(run([]));
    assert.match(String((spec.title as { subtitle: string }).subtitle), /no metrics reported/);
    assert.deepEqual((await compileChart(spec)).warnings, []);
  });

  it('treats hostile metric and template names as text: same spec shape, drawn verbatim', async () => {
    const hostile = [
      'datum.x',
      'a.b[0]',
      "'); alert(1); ('",
      '$' + '{signal}', // a template placeholder, as text
      '{{name}}',
      '__proto__',
      '<script>x</script>',
      'line\nbreak',
      '"quoted"',
      '🔥 loss',
    ];
    const history = Array.from({ length: 4 }, (_, i) => ({
      at: i,
      step: i + 1,
      values: Object.fromEntries(hostile.slice(0, MAX_CHART_METRICS).map((name, k) => [name, i + k])),
    }));
    const template = `</text><svg onload=alert(1)>${'x'.repeat(500)}`;
    const spec = runChartSpec(run(history, { spec: { template } }), { metric: hostile[0], goal: 'max' });
    // Names never become fields: every row has exactly the three fields the encoding reads.
    for (const row of layers(spec)[0].data.values)
      assert.deepEqual(Object.keys(row), ['metric', 'x', 'value']);
    assert.ok(String((spec.title as { text: string }).text).length <= MAX_TITLE_CHARS);
    const chart = await compileChart(spec);
    assert.deepEqual(chart.warnings, []);
    for (const name of hostile.slice(0, MAX_CHART_METRICS)) {
      assert.ok(chart.texts().includes(name.trim()) || chart.texts().includes(name), `legend shows ${name}`);
    }
  });

  it('is plain JSON (it crosses to the render worker by structured clone)', () => {
    const spec = runChartSpec(run(TEN_EPOCHS), { metric: 'loss', goal: 'min' });
    assert.deepEqual(JSON.parse(JSON.stringify(spec)), spec);
  });
});

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { chartToSvg, drawChart, rasterize } from '../../../src/adapters/charts/draw-chart.ts';
import { CHART_SIZE } from '../../../src/core/chart/chart-spec.ts';
import { decodePng, imageDistance, PNG_SIGNATURE, readPngHeader } from '../../support/png.ts';
import { NO_FONTS, runChart, TEST_FONTS } from './chart-fixtures.ts';

const GOLDEN = new URL('../../fixtures/charts/run-chart-480x240.png', import.meta.url);
/** Slack's layout size at 1×: the chart as laid out for Slack, in a quarter of the pixels. */
const GOLDEN_SIZE = { ...CHART_SIZE, scale: 1 };

describe('drawChart', () => {
  it('draws a PNG of the layout size times the scale (960×480 for Slack)', { skip: NO_FONTS }, async () => {
    const png = await drawChart(runChart(), CHART_SIZE, TEST_FONTS);
    assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE);
    const header = readPngHeader(png);
    assert.equal(header.width, CHART_SIZE.width * CHART_SIZE.scale);
    assert.equal(header.height, CHART_SIZE.height * CHART_SIZE.scale);
    assert.equal(header.width, 960);
    assert.equal(header.height, 480);
    const small = readPngHeader(
      await drawChart(runChart(), { width: 300, height: 200, scale: 1 }, TEST_FONTS),
    );
    assert.deepEqual([small.width, small.height], [300, 200]);
  });

  it('looks like the golden image (compared loosely: fonts and anti-aliasing may shift a few pixels)', {
    skip: NO_FONTS,
  }, async () => {
    const png = await drawChart(runChart(), GOLDEN_SIZE, TEST_FONTS);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, png);
    const drawn = decodePng(png);
    const golden = decodePng(readFileSync(GOLDEN));
    const { meanDiff, changedShare } = imageDistance(drawn, golden);
    assert.ok(
      meanDiff < 4 && changedShare < 0.02,
      `mean difference ${meanDiff}, ${changedShare * 100}% changed`,
    );

    // The comparison can tell charts apart: another run's chart is far from the golden one.
    const other = decodePng(await drawChart(runChart(6), GOLDEN_SIZE, TEST_FONTS));
    const far = imageDistance(other, golden);
    assert.ok(far.changedShare > 0.02, `a different chart differs in ${far.changedShare * 100}% of pixels`);
  });

  it('draws text with the given font files only, and none without them', { skip: NO_FONTS }, async () => {
    const svg = await chartToSvg(runChart(), GOLDEN_SIZE);
    const inked = (pixels: Uint8Array) => pixels.filter((v, i) => i % 4 === 0 && v < 128).length;
    const withText = inked(rasterize(svg, TEST_FONTS).pixels);
    const noText = inked(rasterize(svg, []).pixels);
    assert.ok(noText > 0, 'lines are drawn without fonts');
    assert.ok(withText > noText * 1.2, `text adds ink: ${withText} vs ${noText}`);
  });

  it('decodes its own PNG back to the pixels resvg drew (the golden comparison reads real pixels)', {
    skip: NO_FONTS,
  }, async () => {
    const image = rasterize(await chartToSvg(runChart(), GOLDEN_SIZE), TEST_FONTS);
    assert.deepEqual(decodePng(image.asPng()).rgba, new Uint8Array(image.pixels));
  });

  it('draws hostile titles and names as text', { skip: NO_FONTS }, async () => {
    const spec = runChart();
    spec.title = { text: '</text><script>alert(1)</script>&amp;<!-- "', subtitle: ']]><x/>' };
    const svg = await chartToSvg(spec, GOLDEN_SIZE);
    assert.ok(!svg.includes('<script>'), 'markup in a title is escaped in the SVG');
    assert.equal(readPngHeader(rasterize(svg, TEST_FONTS).asPng()).width, GOLDEN_SIZE.width);
  });

  it('loads nothing from files or the network: a spec with a data URL fails', async () => {
    const spec = {
      data: { url: 'file:///etc/passwd', format: { type: 'csv' } },
      mark: 'line',
      encoding: { x: { field: 'a', type: 'quantitative' }, y: { field: 'b', type: 'quantitative' } },
    };
    await assert.rejects(chartToSvg(spec, GOLDEN_SIZE), /inline data only/);
  });
});

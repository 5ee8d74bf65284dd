// Draws docs/chart-example.png, the chart the README shows: the shipped demo template run for
// 40 epochs (as `/train demo epochs=40 lr=0.3` would), its log read the way the bot reads it, and
// the chart drawn by the same code as the bot's render worker, at Slack's preview size.
//   node scripts/chart-example.mjs [out.png]
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { register } from 'tsx/esm/api';

register();
const root = join(import.meta.dirname, '..');
const { applyLogLines } = await import('../src/core/progress/parse-progress.ts');
const { runChartSpec } = await import('../src/core/chart/run-chart.ts');
const { CHART_SIZE } = await import('../src/core/chart/chart-spec.ts');
const { drawChart } = await import('../src/adapters/charts/draw-chart.ts');
const { findChartFonts } = await import('../src/adapters/charts/chart-fonts.ts');

const log = execFileSync(
  process.execPath,
  ['train.mjs', '--epochs', '40', '--lr', '0.3', '--epoch-seconds', '0'],
  { cwd: join(root, 'manifests/demo'), encoding: 'utf8' },
);
// One log line at a time, a second apart, as a run's lines arrive.
let run = { metrics: {}, history: [] };
log.split('\n').forEach((line, i) => {
  run = applyLogLines(run, [line], new Date(Date.UTC(2026, 0, 1, 0, 0, i))) ?? run;
});
const spec = runChartSpec(
  { number: 42, spec: { template: 'demo' }, history: run.history, progress: run.progress },
  { metric: 'acc', goal: 'max' },
);
const png = await drawChart(spec, CHART_SIZE, findChartFonts().files);
const out = process.argv[2] ?? join(root, 'docs/chart-example.png');
writeFileSync(out, png);
console.log(`${out}: ${png.length} bytes, ${run.history.length} samples`);

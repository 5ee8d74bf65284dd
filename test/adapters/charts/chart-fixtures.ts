import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEBIAN_DEJAVU_DIR } from '../../../src/adapters/charts/chart-fonts.ts';
import { runChartSpec } from '../../../src/core/chart/run-chart.ts';
import type { MetricSample } from '../../../src/core/run/run.ts';

/** Debian's DejaVu Sans (fonts-dejavu-core), the font the chart tests draw with. */
export const TEST_FONTS = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => join(DEBIAN_DEJAVU_DIR, f));
export const HAVE_TEST_FONTS = TEST_FONTS.every((f) => existsSync(f));
/** For `it(…, { skip })`: why a test that needs the fonts cannot run here. */
export const NO_FONTS = HAVE_TEST_FONTS ? false : `needs Debian's fonts-dejavu-core (${DEBIAN_DEJAVU_DIR})`;

/** A deterministic run history: a loss falling and an accuracy rising over `epochs` epochs. */
export function trainingHistory(epochs: number): MetricSample[] {
  return Array.from({ length: epochs }, (_, i) => ({
    at: i * 1000,
    step: i + 1,
    values: {
      loss: 2 * Math.exp(-i / (epochs / 5)) + 0.05 + 0.02 * Math.sin(i * 1.7),
      acc: 1 - Math.exp(-i / (epochs / 4)),
    },
  }));
}

export const runChart = (epochs = 30) =>
  runChartSpec(
    { number: 7, spec: { template: 'demo' }, history: trainingHistory(epochs), progress: { unit: 'epoch' } },
    { metric: 'loss', goal: 'min' },
  );

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createChartRenderer } from '../../../src/adapters/charts/create-chart-renderer.ts';
import { createLogger } from '../../../src/shared/log.ts';
import { readPngHeader } from '../../support/png.ts';
import { runChart } from './chart-fixtures.ts';

/** A logger whose lines are kept as parsed JSON. */
function keptLogger() {
  const lines: { level: string; msg: string; source?: string; files?: string[] }[] = [];
  return { log: createLogger('debug', {}, (line) => lines.push(JSON.parse(line))), lines };
}

/** Draws the same chart with the renderer createChartRenderer makes for `env`. */
async function drawWith(env: Record<string, string | undefined>) {
  const { log, lines } = keptLogger();
  const renderer = createChartRenderer(log, env, { timeoutMs: 120_000 });
  try {
    const result = await renderer.render(runChart(), { width: 240, height: 120, scale: 1 });
    assert.ok(result.ok, result.ok ? '' : result.reason);
    return { png: result.png, lines };
  } finally {
    await renderer.close();
  }
}

describe('createChartRenderer', () => {
  it('draws with DejaVu from the dejavu-fonts-ttf package when nothing is configured, and says so', async () => {
    const { png, lines } = await drawWith({});
    assert.deepEqual(
      lines.map((l) => [l.level, l.msg, l.source]),
      [['info', 'charts drawn with fonts', 'dejavu-fonts-ttf package']],
    );
    assert.ok(lines[0].files?.some((f) => f.endsWith(join('ttf', 'DejaVuSans.ttf'))));
    assert.deepEqual([readPngHeader(png).width, readPngHeader(png).height], [240, 120]);
  });

  it('warns and still draws (without text) when the configured fonts do not exist', async () => {
    const env = { TRAINYARD_CHART_FONTS: '/nonexistent/trainyard-fonts' };
    const { png, lines } = await drawWith(env);
    assert.deepEqual(
      lines.map((l) => [l.level, l.msg]),
      [
        [
          'warn',
          'charts will be drawn without text: no font file found; set TRAINYARD_CHART_FONTS to a .ttf file',
        ],
      ],
    );
    // The same chart with text (titles, axes, legend) is a different picture.
    const withText = await drawWith({});
    assert.notDeepEqual(png, withText.png);
  });
});

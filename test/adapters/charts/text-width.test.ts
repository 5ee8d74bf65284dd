import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Resvg } from '@resvg/resvg-js';
import { textWidth, vegaTextWidth } from '../../../src/adapters/charts/text-width.ts';
import { NO_FONTS, TEST_FONTS } from './chart-fixtures.ts';

/** The width resvg really draws `text` with in DejaVu Sans, from the drawn glyphs' bounding box. */
function drawnWidth(text: string, fontSize: number, bold: boolean): number {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="2000" height="100"><text x="10" y="60" font-family="DejaVu Sans" font-size="${fontSize}" font-weight="${bold ? 'bold' : 'normal'}">${escaped}</text></svg>`;
  const box = new Resvg(svg, { font: { loadSystemFonts: false, fontFiles: TEST_FONTS } }).getBBox();
  assert.ok(box, `nothing drawn for ${text}`);
  return box.width;
}

describe('textWidth', () => {
  const samples = [
    'val_loss per trial, lower is better · best: trial 12, 0.3301',
    '#42 resnet',
    'epoch',
    'learning_rate',
    'ACCURACY Top-5 (%)',
    '0.0001234',
  ];
  for (const bold of [false, true]) {
    it(`is within 12% of what DejaVu Sans${bold ? ' Bold' : ''} really draws`, { skip: NO_FONTS }, () => {
      for (const text of samples) {
        const estimate = textWidth(text, 11, bold);
        const real = drawnWidth(text, 11, bold);
        assert.ok(
          Math.abs(estimate - real) / real < 0.12,
          `${text}: estimated ${estimate.toFixed(1)}, drawn ${real.toFixed(1)}`,
        );
      }
    });
  }

  it('counts East Asian characters a full em', () => {
    assert.equal(textWidth('損失', 10), 20);
  });
});

describe('vegaTextWidth', () => {
  it('reads the size and weight of a Vega text item, and never counts past its limit', () => {
    assert.equal(vegaTextWidth({ fontSize: 10 }, 'm'), textWidth('m', 10));
    assert.equal(vegaTextWidth({}, 'm'), textWidth('m', 11), 'Vega draws 11 px text by default');
    assert.equal(vegaTextWidth({ fontSize: 10, fontWeight: 'bold' }, 'm'), textWidth('m', 10, true));
    assert.equal(vegaTextWidth({ fontSize: 10, fontWeight: 700 }, 'm'), textWidth('m', 10, true));
    assert.equal(vegaTextWidth({ fontSize: 10, limit: 30 }, 'x'.repeat(100)), 30);
    assert.equal(vegaTextWidth({ fontSize: 10 }, null), 0);
    assert.equal(vegaTextWidth({ fontSize: 10 }, 12.5), textWidth('12.5', 10));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { textWidth } from '../../../../src/adapters/charts/text-width.ts';
import { displayWidth, fitWidth } from '../../../../src/adapters/chat/console/display-width.ts';

describe('displayWidth', () => {
  it('counts East Asian wide characters and emoji two columns, marks and joiners none', () => {
    assert.equal(displayWidth('loss'), 4);
    assert.equal(displayWidth('訓練 모델'), 9);
    assert.equal(displayWidth('ｶﾀ'), 2, 'halfwidth forms stay one column');
    assert.equal(displayWidth('🚂'), 2);
    assert.equal(displayWidth('e\u0301\u200d'), 1);
  });

  it('cuts text to the columns given, the cut marked', () => {
    assert.equal(fitWidth('訓練データ', 6), '訓練…');
    assert.equal(fitWidth('short', 10), 'short');
  });

  it('agrees with the chart labels on which characters are wide', () => {
    // A full em in a chart wherever a terminal gives two columns.
    for (const ch of ['訓', '모', 'Ａ', '🚂']) assert.equal(textWidth(ch, 10), 10, ch);
  });
});

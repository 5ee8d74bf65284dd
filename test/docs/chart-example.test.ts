import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decodePng, imageDistance, readPngHeader } from '../support/png.ts';

const ROOT = join(import.meta.dirname, '../..');

/**
 * The README's chart picture is what scripts/chart-example.mjs draws from a real demo run today:
 * drawn again, it still looks like the committed one (compared loosely: fonts may differ a little
 * between machines), so the README never shows a chart the bot no longer draws.
 */
describe('docs/chart-example.png', { timeout: 60_000 }, () => {
  it('is drawn again by its script, at Slack’s preview size, and looks the same', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trainyard-chart-example-'));
    try {
      const out = join(dir, 'chart.png');
      execFileSync(process.execPath, [join(ROOT, 'scripts/chart-example.mjs'), out], { stdio: 'pipe' });
      const drawn = readFileSync(out);
      const committed = readFileSync(join(ROOT, 'docs/chart-example.png'));
      assert.deepEqual(
        [readPngHeader(drawn).width, readPngHeader(drawn).height],
        [readPngHeader(committed).width, readPngHeader(committed).height],
      );
      const { meanDiff, changedShare } = imageDistance(decodePng(drawn), decodePng(committed));
      assert.ok(
        meanDiff < 4 && changedShare < 0.02,
        `differs: mean ${meanDiff.toFixed(2)}, changed ${changedShare}`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { findChartFonts } from '../../../src/adapters/charts/chart-fonts.ts';

const root = mkdtempSync(join(tmpdir(), 'chart-fonts-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A folder holding these (empty) files. */
function folder(name: string, files: string[]): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const f of files) writeFileSync(join(dir, f), '');
  return dir;
}

const packaged = folder('package-ttf', ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSerif.ttf']);
const debian = folder('debian', ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf']);
const nowhere = join(root, 'missing');

describe('findChartFonts', () => {
  it('takes the files and folders TRAINYARD_CHART_FONTS lists first (only font files of a folder)', () => {
    const cjk = folder('cjk', ['NotoSansCJK.otf', 'README.txt', 'Extra.ttc']);
    const single = join(folder('single', ['Inter.ttf']), 'Inter.ttf');
    const env = { TRAINYARD_CHART_FONTS: [single, cjk, nowhere].join(delimiter) };
    assert.deepEqual(findChartFonts({ env, packagedDir: () => packaged, debianDir: debian }), {
      files: [single, join(cjk, 'Extra.ttc'), join(cjk, 'NotoSansCJK.otf')],
      source: 'TRAINYARD_CHART_FONTS',
    });
  });

  it('then DejaVu Sans from the npm package, then from Debian, else none', () => {
    const sans = (dir: string) => [join(dir, 'DejaVuSans.ttf'), join(dir, 'DejaVuSans-Bold.ttf')];
    assert.deepEqual(findChartFonts({ env: {}, packagedDir: () => packaged, debianDir: debian }), {
      files: sans(packaged),
      source: 'dejavu-fonts-ttf package',
    });
    assert.deepEqual(
      findChartFonts({
        env: { TRAINYARD_CHART_FONTS: ' ' },
        packagedDir: () => undefined,
        debianDir: debian,
      }),
      {
        files: sans(debian),
        source: 'Debian fonts-dejavu-core',
      },
    );
    assert.deepEqual(findChartFonts({ env: {}, packagedDir: () => nowhere, debianDir: nowhere }), {
      files: [],
      source: 'none',
    });
  });

  it('finds the packaged DejaVu Sans of this install', () => {
    const fonts = findChartFonts({ env: {}, debianDir: nowhere });
    assert.equal(fonts.source, 'dejavu-fonts-ttf package');
    assert.match(fonts.files[0], /dejavu-fonts-ttf[/\\]ttf[/\\]DejaVuSans\.ttf$/);
  });
});

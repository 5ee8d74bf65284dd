import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';

/** Debian's fonts-dejavu-core (CI and the test machines install it). */
export const DEBIAN_DEJAVU_DIR = '/usr/share/fonts/truetype/dejavu';
const DEJAVU_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'];
const FONT_FILE = /\.(ttf|otf|ttc)$/i;

export interface ChartFonts {
  files: string[];
  /** Where they came from, for the start-up log line. */
  source: 'TRAINYARD_CHART_FONTS' | 'dejavu-fonts-ttf package' | 'Debian fonts-dejavu-core' | 'none';
}

export interface FontLookup {
  env?: Record<string, string | undefined>;
  /** The folder of the npm package `dejavu-fonts-ttf`, or undefined if it is not installed. */
  packagedDir?: () => string | undefined;
  debianDir?: string;
}

/**
 * The font files charts are drawn with. The renderer loads no system fonts (a slim container has
 * none, and a laptop's would make the same chart look different), so it needs files:
 * 1. `TRAINYARD_CHART_FONTS`: font files or folders, separated like PATH (e.g. to add a CJK font
 *    for metric names in other scripts);
 * 2. DejaVu Sans from the `dejavu-fonts-ttf` npm package, a dependency, so the bot's image and any
 *    `npm install` have it without system packages;
 * 3. Debian's DejaVu folder, in case the package was pruned from an install.
 * With none of them, charts are still drawn, without text (the start-up log says so).
 */
export function findChartFonts(lookup: FontLookup = {}): ChartFonts {
  const env = lookup.env ?? process.env;
  const configured = env.TRAINYARD_CHART_FONTS?.trim();
  if (configured) {
    return {
      files: configured.split(delimiter).filter(Boolean).flatMap(fontFilesAt),
      source: 'TRAINYARD_CHART_FONTS',
    };
  }
  const packaged = (lookup.packagedDir ?? packagedDejaVuDir)();
  const fromPackage = packaged ? dejaVuIn(packaged) : [];
  if (fromPackage.length > 0) return { files: fromPackage, source: 'dejavu-fonts-ttf package' };
  const fromDebian = dejaVuIn(lookup.debianDir ?? DEBIAN_DEJAVU_DIR);
  if (fromDebian.length > 0) return { files: fromDebian, source: 'Debian fonts-dejavu-core' };
  return { files: [], source: 'none' };
}

function dejaVuIn(dir: string): string[] {
  return DEJAVU_FILES.map((f) => join(dir, f)).filter((f) => existsSync(f));
}

/** A font file as is, or the font files directly inside a folder; nothing for a missing path. */
function fontFilesAt(path: string): string[] {
  try {
    if (!statSync(path).isDirectory()) return [path];
    return readdirSync(path)
      .filter((f) => FONT_FILE.test(f))
      .sort()
      .map((f) => join(path, f));
  } catch {
    return [];
  }
}

function packagedDejaVuDir(): string | undefined {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  } catch {
    return undefined;
  }
}

// Compiles src/ to dist/ (what `npm start`, the `trainyard` bin and the image run) and tells
// whether dist/ is older than the sources, so the test runner and benchmarks rebuild only when needed.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');
const DIST = join(ROOT, 'dist');
/** Written by every build (tsc's incremental build info); its mtime says when dist/ was last built. */
const STAMP = join(DIST, '.tsbuildinfo');
const INPUTS = ['tsconfig.json', 'tsconfig.build.json'].map((f) => join(ROOT, f));

/** The TypeScript compiler, or undefined when dev dependencies are not installed. */
export function findTsc() {
  try {
    const pkg = createRequire(join(ROOT, 'package.json')).resolve('typescript/package.json');
    return join(pkg, '..', 'bin', 'tsc');
  } catch {
    return undefined;
  }
}

/**
 * Copies every file of `from` that tsc does not compile (anything but .ts: e.g. a font or a worker's
 * data file) to the same place under `to`, so code that reads it beside itself works from dist/ too.
 */
export function copyAssets(from = SRC, to = DIST) {
  cpSync(from, to, {
    recursive: true,
    filter: (path) => statSync(path).isDirectory() || !path.endsWith('.ts'),
  });
}

function newestInputMtime() {
  const sources = readdirSync(SRC, { recursive: true }).map((f) => join(SRC, f));
  return Math.max(...sources.concat(INPUTS).map((f) => statSync(f).mtimeMs));
}

/** True when dist/ is missing or a source or tsconfig changed after the last build. */
export function isStale() {
  if (!existsSync(STAMP) || !existsSync(join(DIST, 'cli', 'main.js'))) return true;
  return newestInputMtime() > statSync(STAMP).mtimeMs;
}

/**
 * Runs tsc (type errors fail the build) and copies the assets; returns the exit code.
 * `clean` starts from an empty dist/, so no file of a deleted source is left behind.
 */
export function build({ clean = false, tsc = findTsc() } = {}) {
  if (!tsc) throw new Error('TypeScript is not installed; run `npm ci` (with dev dependencies) first.');
  if (clean) rmSync(DIST, { recursive: true, force: true });
  const r = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (r.status !== 0) return r.status ?? 1;
  copyAssets();
  // tsc leaves its build info alone when no output changed; touch it so the sources count as built.
  const now = new Date();
  utimesSync(STAMP, now, now);
  return 0;
}

/** Builds dist/ if it is older than the sources; returns the exit code (0 when nothing to do). */
export function buildIfStale() {
  return isStale() ? build() : 0;
}

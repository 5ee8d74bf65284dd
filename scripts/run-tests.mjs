// Runs every test file under test/ with Node's own test runner (Node 20 has no glob for --test).
// Tests that spawn bin/trainyard.mjs run the compiled dist/, so dist/ is rebuilt first when the
// sources changed since the last build (a no-op right after `npm ci`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { buildIfStale } from './dist.mjs';

const ROOT = join(import.meta.dirname, '..');
/** How long each file took last time (kept beside the dependencies, never committed). */
const DURATIONS = join(ROOT, 'node_modules', '.cache', 'trainyard', 'test-durations.json');

function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' ? [] : find(p);
    return e.name.endsWith('.test.ts') ? [p] : [];
  });
}

function readDurations() {
  try {
    return JSON.parse(readFileSync(DURATIONS, 'utf8'));
  } catch {
    return {};
  }
}

/**
 * Slowest first, so the long files (real processes, Docker, real timers) do not start last and
 * leave the other workers idle at the end. Without figures from an earlier run (a fresh clone),
 * files that start processes, servers or Docker count as slow.
 */
function slowestFirst(files, sources, known) {
  const looksSlow = (f) =>
    /\bspawn\(|bin\/trainyard\.mjs|docker-engine|FakeKubeApiServer|real timers/.test(sources.get(f));
  const estimate = (f) => known[resolve(f)] ?? (looksSlow(f) ? Number.POSITIVE_INFINITY : 0);
  return [...files].sort((a, b) => estimate(b) - estimate(a) || a.localeCompare(b));
}

const only = process.argv.slice(2);
const files = only.length ? only : find('test').sort();
const sources = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]));

if ([...sources.values()].some((text) => text.includes('bin/trainyard.mjs')) && buildIfStale() !== 0) {
  console.error(
    'Building dist/ failed (the errors are above); the end-to-end tests run dist/, so fix them first.',
  );
  process.exit(1);
}

// Most test files wait on child processes, servers and timers rather than the CPU, so more files
// run at once than there are cores (TEST_CONCURRENCY overrides; measured in docs/benchmarks.md).
const concurrency = process.env.TEST_CONCURRENCY ?? String(availableParallelism() * 2);
mkdirSync(dirname(DURATIONS), { recursive: true });
const measured = `${DURATIONS}.${process.pid}`;
const r = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${join(import.meta.dirname, 'test-durations-reporter.mjs')}`,
    `--test-reporter-destination=${measured}`,
    ...slowestFirst(files, sources, readDurations()),
  ],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
if (existsSync(measured)) {
  try {
    writeFileSync(
      DURATIONS,
      JSON.stringify({ ...readDurations(), ...JSON.parse(readFileSync(measured, 'utf8')) }),
    );
  } catch {
    // An interrupted run leaves no usable figures; the next run orders by the old ones.
  }
  rmSync(measured, { force: true });
}
process.exit(r.status ?? 1);

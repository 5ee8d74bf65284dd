// Runs every test file under test/ with Node's own test runner (Node 20 has no glob for --test).
// Tests that spawn bin/trainyard.mjs run the compiled dist/, so dist/ is rebuilt first when the
// sources changed since the last build (a no-op right after `npm ci`).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { buildIfStale } from './dist.mjs';

function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' ? [] : find(p);
    return e.name.endsWith('.test.ts') ? [p] : [];
  });
}

const only = process.argv.slice(2);
const files = only.length ? only : find('test').sort();

if (files.some((f) => readFileSync(f, 'utf8').includes('bin/trainyard.mjs')) && buildIfStale() !== 0) {
  console.error(
    'Building dist/ failed (the errors are above); the end-to-end tests run dist/, so fix them first.',
  );
  process.exit(1);
}

// Most test files wait on child processes, servers and timers rather than the CPU, so more files
// run at once than there are cores (TEST_CONCURRENCY overrides; measured in docs/benchmarks.md).
const concurrency = process.env.TEST_CONCURRENCY ?? String(availableParallelism() * 2);
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(r.status ?? 1);

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
// @ts-expect-error a plain .mjs build script without type declarations
import { copyAssets } from '../../scripts/dist.mjs';

// What ships is dist/ + bin/trainyard.mjs + production dependencies (deploy/Dockerfile). The test
// runner rebuilds dist/ before tests that spawn bin/trainyard.mjs, as this file does.
const temp = mkdtempSync(join(tmpdir(), 'trainyard-dist-'));
after(() => rmSync(temp, { recursive: true, force: true }));

/** Package names a module loads (static, re-exported, dynamic and required), relative paths left out. */
function importedPackages(code: string): string[] {
  const specifiers = [
    ...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"]([^'"]+)['"]/g),
  ].map((m) => m[1]);
  return specifiers
    .filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !builtinModules.includes(s))
    .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]));
}

describe('dist/ and the trainyard bin', () => {
  it('import only Node built-ins and production dependencies (what npm ci --omit=dev installs)', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    const production = new Set(Object.keys(pkg.dependencies));
    const files = readdirSync('dist', { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.js'))
      .map((f) => join('dist', f))
      .concat('bin/trainyard.mjs');
    assert.ok(files.includes(join('dist', 'cli', 'main.js')));
    const used = new Set<string>();
    for (const file of files)
      for (const name of importedPackages(readFileSync(file, 'utf8'))) {
        used.add(name);
        assert.ok(production.has(name), `${file} imports ${name}, which is not a production dependency`);
      }
    for (const name of ['@slack/bolt', '@kubernetes/client-node', 'dockerode', 'prom-client'])
      assert.ok(used.has(name), `dist/ never imports ${name}: is the scan blind?`);
  });

  it('bin says in one sentence what to run when dist/ is missing (a git checkout without npm ci)', () => {
    mkdirSync(join(temp, 'bin'));
    copyFileSync('bin/trainyard.mjs', join(temp, 'bin', 'trainyard.mjs'));
    const r = spawnSync(process.execPath, [join(temp, 'bin', 'trainyard.mjs'), 'start'], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      /^Trainyard is not built yet \(dist\/cli\/main\.js is missing\): run `npm ci`.*\.\n$/,
    );
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });

  it('`npm run dev` runs the same command from the sources through tsx', () => {
    const run = (entry: string) =>
      spawnSync(process.execPath, [entry, 'templates'], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH },
      });
    const compiled = run('bin/trainyard.mjs');
    const sources = run('scripts/dev.mjs');
    assert.equal(compiled.status, 0, compiled.stderr);
    assert.equal(sources.status, 0, sources.stderr);
    assert.match(compiled.stdout, /^demo /m);
    assert.equal(sources.stdout, compiled.stdout);
  });

  it('the build copies files tsc does not compile (e.g. a worker asset) beside the compiled code', () => {
    const src = join(temp, 'src');
    mkdirSync(join(src, 'adapters', 'charts', 'fonts'), { recursive: true });
    writeFileSync(join(src, 'adapters', 'charts', 'render.ts'), 'export {};\n');
    writeFileSync(join(src, 'adapters', 'charts', 'fonts', 'DejaVuSans.ttf'), 'font bytes');
    writeFileSync(join(src, 'adapters', 'charts', 'palette.json'), '{}');
    copyAssets(src, join(temp, 'dist'));
    const copied = readdirSync(join(temp, 'dist'), { recursive: true, encoding: 'utf8' }).sort();
    assert.deepEqual(copied, [
      'adapters',
      join('adapters', 'charts'),
      join('adapters', 'charts', 'fonts'),
      join('adapters', 'charts', 'fonts', 'DejaVuSans.ttf'),
      join('adapters', 'charts', 'palette.json'),
    ]);
  });
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Production runs the JavaScript that `tsc -p tsconfig.build.json` emits, where the worker is
 * render-worker.js and no tsx is loaded. This compiles the renderer with the build config (types
 * are checked by `npm run lint`, so only emitted here) and draws a chart with plain Node.
 */
describe('the compiled chart renderer', () => {
  const out = mkdtempSync(join(tmpdir(), 'trainyard-dist-'));
  after(() => rmSync(out, { recursive: true, force: true }));

  it('draws a chart from dist/ JavaScript, its worker included', () => {
    symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'), 'dir');
    const dist = join(out, 'dist');
    writeFileSync(
      join(out, 'tsconfig.json'),
      JSON.stringify({
        extends: join(ROOT, 'tsconfig.build.json'),
        compilerOptions: { outDir: dist, rootDir: join(ROOT, 'src'), noCheck: true },
        files: [
          'adapters/charts/create-chart-renderer.ts',
          'adapters/charts/render-worker.ts',
          'core/chart/run-chart.ts',
        ].map((f) => join(ROOT, 'src', f)),
        include: [],
      }),
    );
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', join(out, 'tsconfig.json')], { stdio: 'pipe' });
    // As in the project, the emitted .js files are ES modules.
    writeFileSync(join(out, 'package.json'), JSON.stringify({ type: 'module' }));

    const script = `
      import { createChartRenderer } from './dist/adapters/charts/create-chart-renderer.js';
      import { runChartSpec } from './dist/core/chart/run-chart.js';
      const quiet = { warn: (m, f) => console.error(m, f), info: () => {} };
      const renderer = createChartRenderer(quiet, {}, { timeoutMs: 120_000 });
      const history = Array.from({ length: 20 }, (_, i) => ({ at: i, step: i + 1, values: { loss: 1 / (i + 1) } }));
      const result = await renderer.render(runChartSpec({ number: 1, spec: { template: 'demo' }, history }));
      await renderer.close();
      console.log(JSON.stringify({ ok: result.ok, reason: result.reason, head: result.ok ? [...result.png.subarray(0, 8)] : [] }));
    `;
    // Run with `-e`, as in a one-off script: the worker must not inherit `--input-type`.
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: out,
      env: { ...process.env, NODE_OPTIONS: '' },
      encoding: 'utf8',
    });
    const result = JSON.parse(output.trim().split('\n').at(-1) ?? '{}');
    assert.deepEqual(result, { ok: true, head: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] });
  });
});
